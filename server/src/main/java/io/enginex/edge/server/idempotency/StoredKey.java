package io.enginex.edge.server.idempotency;

import java.time.Instant;

/**
 * One remembered key: who used it, for which request (fingerprint), and the sealed first answer.
 *
 * @param keyHash HMAC of tenant, principal and key under the hub secret; the key itself is not stored
 * @param sealedAnswer the answer's body, encrypted with a key derived from the client's key
 */
public record StoredKey(
        String tenantId,
        String principal,
        String keyHash,
        String fingerprint,
        String resourceId,
        int status,
        String sealedAnswer,
        Instant createdAt) {}
