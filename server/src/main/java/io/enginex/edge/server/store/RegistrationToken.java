package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;

/** A one-time (or n-time) registration token. Only its hash is stored; the secret is shown once. */
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
        String createdBy) {
    public RegistrationToken {
        labels = labels == null ? List.of() : List.copyOf(labels);
    }
}
