package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** People who log in, and their browser sessions. */
public interface UserStore {
    /** @throws DuplicateException if a user with this email exists (in any tenant) */
    default User create(String id, String tenantId, String email, String role, String passwordHash, String createdBy) {
        return create(id, tenantId, email, role, passwordHash, createdBy, null);
    }

    /**
     * A user whose password is a one-time password valid until {@code oneTimeExpiresAt} (null: a
     * password the user chose).
     *
     * @throws DuplicateException if a user with this email exists (in any tenant)
     */
    User create(
            String id,
            String tenantId,
            String email,
            String role,
            String passwordHash,
            String createdBy,
            Instant oneTimeExpiresAt);

    /**
     * A user made by single sign-on: the subject {@code subject} of {@code issuer}, with no password
     * ({@link User#NO_PASSWORD}).
     *
     * @throws DuplicateException if a user with this email exists (in any tenant), or this subject
     *     of this issuer in the tenant
     */
    User createFederated(
            String id, String tenantId, String email, String role, String issuer, String subject, String createdBy);

    /** The tenant's user who is {@code subject} at {@code issuer}, if single sign-on made one. */
    Optional<User> findBySubject(String tenantId, String issuer, String subject);

    /**
     * Disables a user ({@code disabledAt} set: they cannot sign in, and every session of theirs is
     * deleted, every OAuth grant of theirs revoked) or enables them again ({@code disabledAt} null); false if no such user in the tenant.
     */
    boolean setDisabled(String tenantId, String id, Instant disabledAt);

    /** Changes a user's role; false if no such user in the tenant. */
    boolean setRole(String tenantId, String id, String role);

    /** Not tenant-scoped: a login names an email, and the user's row says its tenant. */
    Optional<User> findByEmail(String email);

    Optional<User> find(String tenantId, String id);

    /** The users of {@code tenantId}, oldest first. */
    List<User> list(String tenantId);

    /** Replaces the password hash and ends every session of the user; false if no such user in the tenant. */
    default boolean setPassword(String tenantId, String id, String passwordHash, Instant at) {
        return setPassword(tenantId, id, passwordHash, at, null);
    }

    /**
     * Replaces the password hash, making it a one-time password valid until {@code oneTimeExpiresAt}
     * (null: a password the user chose), and ends every session of the user; false if no such user.
     */
    boolean setPassword(String tenantId, String id, String passwordHash, Instant at, Instant oneTimeExpiresAt);

    /**
     * Spends the user's one-time password: true only for the first call while it has not expired at
     * {@code at}, so two sign-ins racing with it cannot both succeed.
     */
    boolean spendOneTimePassword(String tenantId, String id, Instant at);

    void recordLogin(String tenantId, String id, Instant at);

    void createSession(UserSession session);

    /** A session that has not expired at {@code now}, by its token's hash. Not tenant-scoped. */
    Optional<UserSession> findSession(String tokenHash, Instant now);

    void deleteSession(String tokenHash);

    /** Deletes sessions that expired before {@code now}; returns how many. */
    int purgeExpiredSessions(Instant now);
}
