package io.enginex.edge.agent.identity;

/** The identity file is missing, unreadable, unsafe or cannot be written; the message says the fix. */
public final class IdentityException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public IdentityException(String message) {
        super(message);
    }

    public IdentityException(String message, Throwable cause) {
        super(message, cause);
    }
}
