package io.enginex.edge.server.store;

import java.time.Instant;

/** A browser login, known by the hash of its cookie secret (which is never stored). */
public record UserSession(
        String tokenHash, String tenantId, String userId, Instant createdAt, Instant expiresAt, String sourceIp) {}
