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

    /** Why the hub could not be reached, in words: the innermost cause says what went wrong. */
    public String reason() {
        return describe(getCause());
    }

    static String describe(Throwable cause) {
        Throwable innermost = cause;
        String message = null;
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            innermost = t;
            if (t instanceof java.net.http.HttpConnectTimeoutException) {
                return "the connection timed out";
            }
            if (t instanceof java.net.ConnectException
                    && (t.getMessage() == null || t.getMessage().isBlank())) {
                message = "connection refused: nothing answers at that address";
            } else if (t instanceof java.nio.channels.UnresolvedAddressException
                    || t instanceof java.net.UnknownHostException) {
                return "the host name cannot be resolved";
            } else if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage();
            }
        }
        String kind =
                innermost == null ? "unknown failure" : innermost.getClass().getSimpleName();
        return message == null ? kind : message;
    }
}
