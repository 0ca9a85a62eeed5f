package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/**
 * A one-time (or n-time) registration token. Only its hash is stored; the secret is shown once.
 *
 * @param ratePerMinute enrolments allowed per minute from one source address with this token, or null
 *     for the tenant's setting (else the hub's default)
 */
public record RegistrationToken(
        String id,
        String tenantId,
        String description,
        List<String> labels,
        int maxUses,
        int uses,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        Instant lastUsedAt,
        String createdBy,
        Integer ratePerMinute) {
    public RegistrationToken {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
