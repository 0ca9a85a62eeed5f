package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A tenant's webhook endpoint: where its job events are sent, which types ({@code eventTypes},
 * empty: all), the signing secret sealed ({@code secretSealed}, never the secret), and the position
 * after the last event turned into deliveries ({@code cursor}, an {@code events.EventCursor}'s text).
 * {@code deletedAt} is set once it is deleted; its deliveries stay readable.
 */
public record WebhookEndpoint(
        String id,
        String tenantId,
        String url,
        String description,
        List<String> eventTypes,
        String secretSealed,
        String cursor,
        Instant createdAt,
        String createdBy,
        Instant deletedAt) {
    public WebhookEndpoint {
        eventTypes = List.copyOf(eventTypes);
    }

    /** Whether events of {@code type} are sent here. */
    public boolean wants(String type) {
        return eventTypes.isEmpty() || eventTypes.contains(type);
    }
}
