package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A link that opens one session's page without a login, issued to one holder (a user or API key id).
 * It works while it is neither revoked nor expired.
 *
 * @param revokedAt when it was revoked, or null
 * @param revokedBy who revoked it (user or API key id), or null
 */
public record PageLink(
        String id,
        String tenantId,
        String sessionId,
        String issuedTo,
        Instant createdAt,
        Instant expiresAt,
        Instant revokedAt,
        String revokedBy) {

    /** Whether the link opens its page at {@code now}. */
    public boolean usableAt(Instant now) {
        return revokedAt == null && now.isBefore(expiresAt);
    }
}
