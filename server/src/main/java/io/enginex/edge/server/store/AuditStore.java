package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/** The append-only audit trail. */
public interface AuditStore {
    void append(AuditEvent event);

    /**
     * Events of {@code tenantId} (or hub-wide ones when it is null), newest first.
     *
     * @param type only this type, or null for all
     * @param actorId only this actor, or null for all
     * @param since only events at or after this, or null
     * @param before only events with an id below this (the paging cursor), or null
     * @param limit at most this many
     */
    default List<AuditEvent> list(
            String tenantId, String type, String actorId, Instant since, String before, int limit) {
        return list(tenantId, type, actorId, null, since, null, before, limit);
    }

    /**
     * Events of {@code tenantId} (or hub-wide ones when it is null), newest first, filtered as {@link
     * #list(String, String, String, Instant, String, int)} and also by:
     *
     * @param outcome only this outcome ({@code success}, {@code failure}, {@code denied}), or null
     * @param until only events before this, or null
     */
    List<AuditEvent> list(
            String tenantId,
            String type,
            String actorId,
            String outcome,
            Instant since,
            Instant until,
            String before,
            int limit);
}
