package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** People who log in, and their browser sessions. */
public interface UserStore {
    /** @throws DuplicateException if a user with this email exists (in any tenant) */
    User create(String id, String tenantId, String email, String role, String passwordHash, String createdBy);

    /** Not tenant-scoped: a login names an email, and the user's row says its tenant. */
    Optional<User> findByEmail(String email);

    Optional<User> find(String tenantId, String id);

    /** The users of {@code tenantId}, oldest first. */
    List<User> list(String tenantId);

    /** Replaces the password hash and ends every session of the user; false if no such user in the tenant. */
    boolean setPassword(String tenantId, String id, String passwordHash, Instant at);

    void recordLogin(String tenantId, String id, Instant at);

    void createSession(UserSession session);

    /** A session that has not expired at {@code now}, by its token's hash. Not tenant-scoped. */
    Optional<UserSession> findSession(String tokenHash, Instant now);

    void deleteSession(String tokenHash);

    /** Deletes sessions that expired before {@code now}; returns how many. */
    int purgeExpiredSessions(Instant now);
}
