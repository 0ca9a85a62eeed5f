package io.enginex.edge.agent.registration;

/** Registration did not happen; the message says why and what to do. Nothing was saved. */
public final class RegistrationException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RegistrationException(String message) {
        super(message);
    }

    public RegistrationException(String message, Throwable cause) {
        super(message, cause);
    }
}
