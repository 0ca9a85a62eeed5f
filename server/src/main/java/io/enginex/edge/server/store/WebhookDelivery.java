package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * One job event for one webhook endpoint, and how sending it went: {@code state} {@link #PENDING}
 * (sent at {@code nextAttemptAt}), {@link #SUCCEEDED} or {@link #FAILED}; {@code lastStatus} the
 * endpoint's last HTTP status (null when it did not answer), {@code lastError} why the last attempt
 * failed. {@code payload} is the JSON body sent.
 */
public record WebhookDelivery(
        String id,
        String tenantId,
        String endpointId,
        String eventId,
        String eventType,
        String payload,
        String state,
        int attempts,
        Instant nextAttemptAt,
        Instant lastAttemptAt,
        Integer lastStatus,
        String lastError,
        Instant createdAt) {
    public static final String PENDING = "pending";
    public static final String SUCCEEDED = "succeeded";
    public static final String FAILED = "failed";

    /** A new delivery, to send at once. */
    public static WebhookDelivery pending(
            String id, String tenantId, String endpointId, String eventId, String type, String payload, Instant now) {
        return new WebhookDelivery(
                id, tenantId, endpointId, eventId, type, payload, PENDING, 0, now, null, null, null, now);
    }

    /** This delivery after an attempt at {@code at}. */
    public WebhookDelivery attempted(String state, Instant at, Instant next, Integer status, String error) {
        return new WebhookDelivery(
                id,
                tenantId,
                endpointId,
                eventId,
                eventType,
                payload,
                state,
                attempts + 1,
                next,
                at,
                status,
                error,
                createdAt);
    }
}
