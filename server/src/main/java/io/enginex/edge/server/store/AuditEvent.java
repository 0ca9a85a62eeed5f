package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * One security-relevant event: who ({@code actorType}, {@code actorId}) did what ({@code type} to
 * {@code targetType}/{@code targetId}) when, from where ({@code sourceIp}), in which tenant (null for
 * a hub-wide event), and with what outcome. {@code detailsJson} is a JSON object without secrets.
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
        String detailsJson) {}
