package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A key for the REST API. {@code tenantId} is null for a platform key, which may act on every
 * tenant. The secret itself is never stored, only its hash.
 *
 * @param role {@code platform-admin}, {@code owner}, {@code admin}, {@code operator} or {@code viewer}
 * @param lastUsedAt when it last authenticated a request (to the minute), or null if never
 * @param createdBy who made it (a user or key id), or null for the first-start platform key
 */
public record ApiKey(
        String id,
        String tenantId,
        String role,
        String label,
        Instant createdAt,
        Instant revokedAt,
        Instant lastUsedAt,
        String createdBy) {}
