package io.enginex.edge.agent.transport;

/**
 * No answer from the hub: the connection failed, timed out, or TLS refused the hub's certificate.
 * {@link #tls()} tells the last apart, since its fix (pin or CA file) differs.
 */
public final class HubUnreachableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final String url;
    private final boolean tls;

    public HubUnreachableException(String url, boolean tls, Throwable cause) {
        super(
                (tls ? "TLS with the hub at " + url + " failed: " : "cannot reach the hub at " + url + ": ")
                        + describe(cause),
                cause);
        this.url = url;
        this.tls = tls;
    }

    public String url() {
        return url;
    }

    /** Whether the failure was the TLS handshake (typically: the hub's certificate is not trusted). */
    public boolean tls() {
        return tls;
    }

    /** The innermost cause's message, which is the one that says what went wrong. */
    static String describe(Throwable cause) {
        Throwable t = cause;
        String message = null;
        while (t != null) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
            t = t.getCause();
        }
        String kind = cause == null ? "unknown" : cause.getClass().getSimpleName();
        return message == null ? kind : kind + " (" + message + ")";
    }
}
