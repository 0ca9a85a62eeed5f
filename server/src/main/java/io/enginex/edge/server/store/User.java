package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A person who logs in to one tenant. {@code passwordHash} is a PHC string of the password's
 * Argon2id hash and is left out of {@link #toString()}.
 *
 * @param role {@code owner}, {@code admin}, {@code operator} or {@code viewer}
 * @param disabledAt when the user was disabled (cannot log in), or null
 */
public record User(
        String id,
        String tenantId,
        String email,
        String role,
        String passwordHash,
        Instant createdAt,
        String createdBy,
        Instant passwordChangedAt,
        Instant lastLoginAt,
        Instant disabledAt) {
    @Override
    public String toString() {
        return "User[id=" + id + ", tenantId=" + tenantId + ", email=" + email + ", role=" + role + "]";
    }
}
