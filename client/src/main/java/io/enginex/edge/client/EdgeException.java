package io.enginex.edge.client;

/**
 * A call to the hub failed. Unchecked, like every failure of this client: either the hub answered an
 * error ({@link ApiException}, with its code, message and status) or it could not be reached or its
 * answer was lost ({@link TransportException}), in each case after the retries the {@link
 * RetryPolicy} allows.
 */
public abstract sealed class EdgeException extends RuntimeException permits ApiException, TransportException {
    private static final long serialVersionUID = 1L;

    EdgeException(String message, Throwable cause) {
        super(message, cause);
    }
}
