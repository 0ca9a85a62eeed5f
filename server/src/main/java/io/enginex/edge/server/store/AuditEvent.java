package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * One security-relevant event: who ({@code actorType}, {@code actorId}) did what ({@code type} to
 * {@code targetType}/{@code targetId}) when, from where ({@code sourceIp}), in which tenant (null for
 * a hub-wide event), and with what outcome. {@code detailsJson} is a JSON object without secrets.
 *
 * <p>{@code chain}, {@code seq}, {@code prevHash} and {@code hash} place the event in a hash chain
 * ({@link AuditHash}): each hub node keeps one chain per tenant, named by the node ({@code chain});
 * {@code chain} is null for the tenant's first chain, from before the chains were per node. The store
 * fills them when it appends, so an event to append has them null, and so do events written before
 * any chain began.
 */
public record AuditEvent(
        String id,
        String tenantId,
        Instant at,
        String type,
        String actorType,
        String actorId,
        String sourceIp,
        String targetType,
        String targetId,
        String outcome,
        String detailsJson,
        String chain,
        Long seq,
        String prevHash,
        String hash) {
    /** An event to append: not yet in a chain. */
    public AuditEvent(
            String id,
            String tenantId,
            Instant at,
            String type,
            String actorType,
            String actorId,
            String sourceIp,
            String targetType,
            String targetId,
            String outcome,
            String detailsJson) {
        this(
                id,
                tenantId,
                at,
                type,
                actorType,
                actorId,
                sourceIp,
                targetType,
                targetId,
                outcome,
                detailsJson,
                null,
                null,
                null,
                null);
    }

    /** This event as link {@code seq} of {@code chain} after {@code prevHash}, with its hash. */
    public AuditEvent chained(String chain, long seq, String prevHash) {
        AuditEvent linked = new AuditEvent(
                id,
                tenantId,
                at,
                type,
                actorType,
                actorId,
                sourceIp,
                targetType,
                targetId,
                outcome,
                detailsJson,
                chain,
                seq,
                prevHash,
                null);
        return new AuditEvent(
                id,
                tenantId,
                at,
                type,
                actorType,
                actorId,
                sourceIp,
                targetType,
                targetId,
                outcome,
                detailsJson,
                chain,
                seq,
                prevHash,
                AuditHash.of(linked));
    }
}
