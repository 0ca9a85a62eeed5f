package io.enginex.edge.protocol;

/** A frame that cannot be accepted. {@link #code()} is one of {@link ErrorCodes}. */
public final class ProtocolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String code;

    public ProtocolException(String code, String message) {
        super(message);
        this.code = code;
    }

    public ProtocolException(String code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    /** The typed error code to send back to the peer. */
    public String code() {
        return code;
    }
}
