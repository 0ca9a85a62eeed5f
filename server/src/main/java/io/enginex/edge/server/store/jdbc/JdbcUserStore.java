package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.User;
import io.enginex.edge.server.store.UserSession;
import io.enginex.edge.server.store.UserStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcUserStore implements UserStore {
    private final Jdbi jdbi;
    private final Clock clock;

    JdbcUserStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public User create(
            String id,
            String tenantId,
            String email,
            String role,
            String passwordHash,
            String createdBy,
            Instant oneTimeExpiresAt) {
        Instant now = Timestamps.truncate(clock.instant());
        Instant oneTime = oneTimeExpiresAt == null ? null : Timestamps.truncate(oneTimeExpiresAt);
        User user = new User(
                id, tenantId, email, role, passwordHash, now, createdBy, now, null, null, oneTime, null, null, null);
        SqlErrors.insert(
                "a user with email " + email + " exists already",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                                INSERT INTO users (id, tenant_id, email, role, password_hash, created_at, created_by,
                                                   password_changed_at, one_time_expires_at)
                                VALUES (:id, :tenantId, :email, :role, :hash, :at, :createdBy, :at, :oneTime)""")
                        .bind("id", id)
                        .bind("tenantId", tenantId)
                        .bind("email", email)
                        .bind("role", role)
                        .bind("hash", passwordHash)
                        .bind("at", Timestamps.arg(now))
                        .bind("createdBy", createdBy)
                        .bind("oneTime", Timestamps.arg(oneTime))
                        .execute()));
        return user;
    }

    @Override
    public User createFederated(
            String id, String tenantId, String email, String role, String issuer, String subject, String createdBy) {
        Instant now = Timestamps.truncate(clock.instant());
        User user = new User(
                id,
                tenantId,
                email,
                role,
                User.NO_PASSWORD,
                now,
                createdBy,
                now,
                null,
                null,
                null,
                null,
                issuer,
                subject);
        SqlErrors.insert(
                "a user with email " + email + " (or this subject of " + issuer + ") exists already",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                                INSERT INTO users (id, tenant_id, email, role, password_hash, created_at, created_by,
                                                   password_changed_at, oidc_issuer, oidc_subject)
                                VALUES (:id, :tenantId, :email, :role, :hash, :at, :createdBy, :at, :issuer, :subject)""")
                        .bind("id", id)
                        .bind("tenantId", tenantId)
                        .bind("email", email)
                        .bind("role", role)
                        .bind("hash", User.NO_PASSWORD)
                        .bind("at", Timestamps.arg(now))
                        .bind("createdBy", createdBy)
                        .bind("issuer", issuer)
                        .bind("subject", subject)
                        .execute()));
        return user;
    }

    @Override
    public Optional<User> findBySubject(String tenantId, String issuer, String subject) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM users
                        WHERE tenant_id = :tenantId AND oidc_issuer = :issuer AND oidc_subject = :subject""")
                .bind("tenantId", tenantId)
                .bind("issuer", issuer)
                .bind("subject", subject)
                .map(JdbcUserStore::map)
                .findOne());
    }

    @Override
    public boolean setRole(String tenantId, String id, String role) {
        return jdbi.withHandle(
                        h -> h.createUpdate("UPDATE users SET role = :role WHERE tenant_id = :tenantId AND id = :id")
                                .bind("role", role)
                                .bind("tenantId", tenantId)
                                .bind("id", id)
                                .execute())
                == 1;
    }

    @Override
    public boolean setDisabled(String tenantId, String id, Instant disabledAt) {
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("UPDATE users SET disabled_at = :at WHERE tenant_id = :tenantId AND id = :id")
                    .bind("at", Timestamps.arg(disabledAt))
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .execute();
            if (disabledAt != null) {
                h.createUpdate("DELETE FROM user_sessions WHERE tenant_id = :tenantId AND user_id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute();
                // The MCP clients the user let in lose their tokens with the sessions.
                h.createUpdate("UPDATE oauth_grants SET revoked_at = :at WHERE tenant_id = :tenantId AND user_id = :id"
                                + " AND revoked_at IS NULL")
                        .bind("at", Timestamps.arg(disabledAt))
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute();
            }
            return updated == 1;
        });
    }

    @Override
    public Optional<User> findByEmail(String email) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE email = :email")
                .bind("email", email)
                .map(JdbcUserStore::map)
                .findOne());
    }

    @Override
    public Optional<User> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM users WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcUserStore::map)
                .findOne());
    }

    @Override
    public List<User> list(String tenantId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM users WHERE tenant_id = :tenantId ORDER BY created_at, id")
                        .bind("tenantId", tenantId)
                        .map(JdbcUserStore::map)
                        .list());
    }

    @Override
    public boolean setPassword(String tenantId, String id, String passwordHash, Instant at, Instant oneTimeExpiresAt) {
        return jdbi.inTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE users SET password_hash = :hash, password_changed_at = :at,
                                             one_time_expires_at = :oneTime, one_time_used_at = NULL
                            WHERE tenant_id = :tenantId AND id = :id""")
                    .bind("hash", passwordHash)
                    .bind("at", Timestamps.arg(at))
                    .bind("oneTime", Timestamps.arg(oneTimeExpiresAt))
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .execute();
            h.createUpdate("DELETE FROM user_sessions WHERE tenant_id = :tenantId AND user_id = :id")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .execute();
            return updated == 1;
        });
    }

    @Override
    public boolean spendOneTimePassword(String tenantId, String id, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE users SET one_time_used_at = :at
                                WHERE tenant_id = :tenantId AND id = :id AND one_time_used_at IS NULL
                                  AND one_time_expires_at > :at""")
                        .bind("at", Timestamps.arg(at))
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public void recordLogin(String tenantId, String id, Instant at) {
        jdbi.useHandle(
                h -> h.createUpdate("UPDATE users SET last_login_at = :at WHERE tenant_id = :tenantId AND id = :id")
                        .bind("at", Timestamps.arg(at))
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute());
    }

    @Override
    public void createSession(UserSession s) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO user_sessions (token_hash, tenant_id, user_id, created_at, expires_at, source_ip, purpose)
                        VALUES (:hash, :tenantId, :userId, :createdAt, :expiresAt, :ip, :purpose)""")
                .bind("hash", s.tokenHash())
                .bind("tenantId", s.tenantId())
                .bind("userId", s.userId())
                .bind("createdAt", Timestamps.arg(s.createdAt()))
                .bind("expiresAt", Timestamps.arg(s.expiresAt()))
                .bind("ip", s.sourceIp())
                .bind("purpose", s.purpose())
                .execute());
    }

    @Override
    public Optional<UserSession> findSession(String tokenHash, Instant now) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM user_sessions WHERE token_hash = :hash AND expires_at > :now")
                .bind("hash", tokenHash)
                .bind("now", Timestamps.arg(now))
                .map((rs, ctx) -> new UserSession(
                        rs.getString("token_hash"),
                        rs.getString("tenant_id"),
                        rs.getString("user_id"),
                        Timestamps.read(rs, "created_at"),
                        Timestamps.read(rs, "expires_at"),
                        rs.getString("source_ip"),
                        rs.getString("purpose")))
                .findOne());
    }

    @Override
    public void deleteSession(String tokenHash) {
        jdbi.useHandle(h -> h.createUpdate("DELETE FROM user_sessions WHERE token_hash = :hash")
                .bind("hash", tokenHash)
                .execute());
    }

    @Override
    public int purgeExpiredSessions(Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM user_sessions WHERE expires_at <= :now")
                .bind("now", Timestamps.arg(now))
                .execute());
    }

    private static User map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new User(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("email"),
                rs.getString("role"),
                rs.getString("password_hash"),
                Timestamps.read(rs, "created_at"),
                rs.getString("created_by"),
                Timestamps.read(rs, "password_changed_at"),
                Timestamps.read(rs, "last_login_at"),
                Timestamps.read(rs, "disabled_at"),
                Timestamps.read(rs, "one_time_expires_at"),
                Timestamps.read(rs, "one_time_used_at"),
                rs.getString("oidc_issuer"),
                rs.getString("oidc_subject"));
    }
}
