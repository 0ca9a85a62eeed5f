package io.enginex.edge.agent.update;

/** The updater could not install or switch; the message says what and where. */
public final class UpdateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UpdateException(String message) {
        super(message);
    }

    public UpdateException(String message, Throwable cause) {
        super(message, cause);
    }
}
