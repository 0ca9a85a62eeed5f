package io.enginex.edge.agent.transport;

import java.time.Duration;

/**
 * The hub answered, with an error: {@code {"error":{"code":"…","message":"…"}}} and a non-2xx status.
 * {@link #getMessage()} names the request, status, code and the hub's own message.
 */
public final class HubRefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String hubMessage;
    private final Duration retryAfter;

    public HubRefusedException(String request, int status, String code, String hubMessage, Duration retryAfter) {
        super(request + " was refused: HTTP " + status + " " + code + (hubMessage.isEmpty() ? "" : ": " + hubMessage));
        this.status = status;
        this.code = code;
        this.hubMessage = hubMessage;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    /** The hub's snake_case error code, or {@code http_<status>} when the body was not the hub's JSON. */
    public String code() {
        return code;
    }

    /** The hub's message for a person (says what happened and what to do), possibly empty. */
    public String hubMessage() {
        return hubMessage;
    }

    /** The {@code Retry-After} the hub asked for, or {@link Duration#ZERO}. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
