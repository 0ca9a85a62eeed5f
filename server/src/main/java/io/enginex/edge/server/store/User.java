package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A person who logs in to one tenant. {@code passwordHash} is a PHC string of the password's
 * Argon2id hash and is left out of {@link #toString()}.
 *
 * @param role {@code owner}, {@code admin}, {@code operator} or {@code viewer}
 * @param disabledAt when the user was disabled (cannot log in), or null
 * @param oneTimeExpiresAt until when the password (one the hub generated) may be used once to choose
 *     a new one; null for a password the user chose
 * @param oneTimeUsedAt when that one-time password was spent, or null
 * @param oidcIssuer for a user made by single sign-on, the OpenID provider's issuer; else null
 * @param oidcSubject for a user made by single sign-on, their subject ({@code sub}) there; else null
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
        Instant disabledAt,
        Instant oneTimeExpiresAt,
        Instant oneTimeUsedAt,
        String oidcIssuer,
        String oidcSubject) {
    /**
     * What a user made by single sign-on has for a password hash: no PHC string, so no password
     * matches it until an admin sets one.
     */
    public static final String NO_PASSWORD = "!sso";

    /** Whether single sign-on made this user (they are {@link #oidcSubject} at {@link #oidcIssuer}). */
    public boolean federated() {
        return oidcSubject != null;
    }

    /** Whether the password is a one-time password (spent or not). */
    public boolean oneTimePassword() {
        return oneTimeExpiresAt != null;
    }

    /**
     * {@code none} (single sign-on only), {@code one-time} (generated, not used yet; usable until
     * {@link #oneTimeExpiresAt}), {@code one-time-used} (used to sign in, no password chosen yet) or
     * {@code chosen}.
     */
    public String passwordState() {
        if (NO_PASSWORD.equals(passwordHash)) {
            return "none";
        }
        if (oneTimePassword()) {
            return oneTimeUsedAt == null ? "one-time" : "one-time-used";
        }
        return "chosen";
    }

    @Override
    public String toString() {
        return "User[id=" + id + ", tenantId=" + tenantId + ", email=" + email + ", role=" + role + "]";
    }
}
