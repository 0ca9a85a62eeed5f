package io.enginex.edge.agent.vault;

/**
 * The vault cannot do what was asked; the message says why and what to do. It never contains a
 * secret's value.
 */
public final class VaultException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public VaultException(String message) {
        super(message);
    }

    public VaultException(String message, Throwable cause) {
        super(message, cause);
    }
}
