package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A browser login, known by the hash of its cookie secret (which is never stored).
 *
 * @param purpose {@value #FULL}, or {@value #PASSWORD_CHANGE} for a session opened with a one-time
 *     password, which may do nothing but choose a new password
 */
public record UserSession(
        String tokenHash,
        String tenantId,
        String userId,
        Instant createdAt,
        Instant expiresAt,
        String sourceIp,
        String purpose) {
    public static final String FULL = "full";
    public static final String PASSWORD_CHANGE = "password_change";

    /** A full session. */
    public UserSession(
            String tokenHash, String tenantId, String userId, Instant createdAt, Instant expiresAt, String sourceIp) {
        this(tokenHash, tenantId, userId, createdAt, expiresAt, sourceIp, FULL);
    }

    public boolean passwordChangeOnly() {
        return PASSWORD_CHANGE.equals(purpose);
    }
}
