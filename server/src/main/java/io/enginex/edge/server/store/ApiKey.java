package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A key for the REST API. {@code tenantId} is null for a platform key, which may act on every
 * tenant. The secret itself is never stored, only its hash.
 *
 * @param role {@code platform-admin}, {@code admin}, {@code operator} or {@code viewer}
 */
public record ApiKey(String id, String tenantId, String role, String label, Instant createdAt, Instant revokedAt) {}
