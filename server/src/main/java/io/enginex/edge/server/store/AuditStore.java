package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The append-only audit trail: one hash chain per tenant and one for hub-wide events ({@link
 * AuditHash}).
 */
public interface AuditStore {
    /** The head of a chain: how many links it has and the hash of the last. */
    record ChainHead(long seq, String lastHash) {}

    /**
     * Appends {@code event} as the next link of its tenant's chain, filling {@code seq}, {@code
     * prevHash} and {@code hash}. Appends to one chain are serialised in the database (on every hub
     * node), so the chain never forks. Returns the event as stored.
     */
    AuditEvent append(AuditEvent event);

    /**
     * The links of the chain of {@code tenantId} (null: the hub-wide chain) with {@code seq} above
     * {@code afterSeq}, in {@code seq} order, at most {@code limit}.
     */
    List<AuditEvent> chain(String tenantId, long afterSeq, int limit);

    /** The head of the chain of {@code tenantId} (null: hub-wide); empty when it has no link yet. */
    Optional<ChainHead> head(String tenantId);

    /** How many events of {@code tenantId} (null: hub-wide) were written before the chain began. */
    long unchained(String tenantId);

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
