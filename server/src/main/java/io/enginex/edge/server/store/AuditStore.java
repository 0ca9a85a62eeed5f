package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * The append-only audit trail, as hash chains ({@link AuditHash}): each hub node appends to one chain
 * per tenant (and one for hub-wide events), named by the node, so nodes never wait for each other to
 * audit. A tenant's first chain, from before the chains were per node, has no name (null) and is only
 * read.
 */
public interface AuditStore {
    /**
     * The head of a chain: how many links it has and the hash of the last.
     *
     * @param chain the node whose chain it is, or null for the tenant's first chain
     */
    record ChainHead(String chain, long seq, String lastHash) {}

    /**
     * Appends {@code event} as the next link of this node's chain of its tenant, filling {@code chain},
     * {@code seq}, {@code prevHash} and {@code hash}. Appends to one chain are serialised in the
     * database, so the chain never forks. Returns the event as stored.
     */
    AuditEvent append(AuditEvent event);

    /**
     * The links of chain {@code chain} (null: the first chain) of {@code tenantId} (null: hub-wide
     * events) with {@code seq} above {@code afterSeq}, in {@code seq} order, at most {@code limit}.
     */
    List<AuditEvent> chain(String tenantId, String chain, long afterSeq, int limit);

    /**
     * The heads of every chain of {@code tenantId} (null: hub-wide) that has a link, the first chain
     * first and then by node name.
     */
    List<ChainHead> heads(String tenantId);

    /**
     * The chains of {@code tenantId} (null: hub-wide) that have links in the trail, whatever their
     * heads say (a chain whose head was deleted is here and not in {@link #heads}); null is the first
     * chain.
     */
    List<String> chainsWithLinks(String tenantId);

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
