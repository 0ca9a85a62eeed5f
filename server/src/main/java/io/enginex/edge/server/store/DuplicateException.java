package io.enginex.edge.server.store;

/** A row with this key already exists. */
public final class DuplicateException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DuplicateException(String message, Throwable cause) {
        super(message, cause);
    }
}
