package io.enginex.edge.server.update;

/** A release command or the update repository refused: the message says what and what to do. */
public final class ReleaseException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReleaseException(String message) {
        super(message);
    }

    public ReleaseException(String message, Throwable cause) {
        super(message, cause);
    }
}
