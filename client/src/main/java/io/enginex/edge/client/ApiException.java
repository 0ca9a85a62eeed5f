package io.enginex.edge.client;

import java.time.Duration;
import java.util.Optional;

/**
 * The hub answered an error: its HTTP status, and the code and message of its error body ({@code
 * {"error":{"code":…,"message":…}}}, docs/API.md). A program switches on {@link #code()}; {@link
 * #hubMessage()} says what to do. An answer that is not the hub's error shape (a proxy's page) has
 * the code {@code http_<status>} and its text as the message.
 */
public final class ApiException extends EdgeException {
    private static final long serialVersionUID = 1L;

    private final String method;
    private final String path;
    private final int status;
    private final String code;
    private final String hubMessage;
    private final Duration retryAfter;

    ApiException(String method, String path, int status, String code, String hubMessage, Duration retryAfter) {
        super(method + " " + path + " answered " + status + " " + code + ": " + hubMessage, null);
        this.method = method;
        this.path = path;
        this.status = status;
        this.code = code;
        this.hubMessage = hubMessage;
        this.retryAfter = retryAfter;
    }

    /** The HTTP status, e.g. 404. */
    public int status() {
        return status;
    }

    /** The hub's error code, e.g. {@code tenant_not_found}. */
    public String code() {
        return code;
    }

    /** The hub's message for a person: what happened and what to do. */
    public String hubMessage() {
        return hubMessage;
    }

    /** The request's method. */
    public String method() {
        return method;
    }

    /** The request's path (and query), without the hub's address. */
    public String path() {
        return path;
    }

    /** The hub's {@code Retry-After}, when it sent one. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
