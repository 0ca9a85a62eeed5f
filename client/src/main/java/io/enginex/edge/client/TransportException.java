package io.enginex.edge.client;

import java.io.IOException;
import java.net.URI;

/**
 * The hub could not be reached, the connection broke before its answer arrived, or the call timed
 * out; the cause is the JDK's {@link IOException} (a {@link java.net.ConnectException}, an {@link
 * java.net.http.HttpTimeoutException}, an {@link javax.net.ssl.SSLException} …), or an {@link
 * InterruptedException} when the calling thread was interrupted (its interrupt flag is set again).
 * A create that ends here may or may not have been made: call it again with the same idempotency
 * key to find out without making it twice.
 */
public final class TransportException extends EdgeException {
    private static final long serialVersionUID = 1L;

    private final URI base;
    private final int attempts;

    TransportException(URI base, String method, String path, int attempts, Exception cause) {
        super(
                "cannot talk to the hub at " + base + " (" + method + " " + path + ", " + attempts
                        + (attempts == 1 ? " attempt" : " attempts") + "): " + cause,
                cause);
        this.base = base;
        this.attempts = attempts;
    }

    /** The hub's address. */
    public URI base() {
        return base;
    }

    /** How many times the request was sent. */
    public int attempts() {
        return attempts;
    }

    /** Whether the calling thread was interrupted, rather than the network failing. */
    public boolean interrupted() {
        return getCause() instanceof InterruptedException;
    }
}
