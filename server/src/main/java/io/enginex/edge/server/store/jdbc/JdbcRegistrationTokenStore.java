package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.RegistrationTokenStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcRegistrationTokenStore implements RegistrationTokenStore {
    private final Jdbi jdbi;
    private final Clock clock;

    JdbcRegistrationTokenStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public RegistrationToken create(
            String id,
            String tenantId,
            String secretHash,
            String description,
            List<String> labels,
            int maxUses,
            Instant expiresAt,
            String createdBy,
            Integer ratePerMinute) {
        if (maxUses < 1) {
            throw new IllegalArgumentException("a registration token needs at least one use; got " + maxUses);
        }
        RegistrationToken token = new RegistrationToken(
                id,
                tenantId,
                description,
                labels,
                maxUses,
                0,
                Timestamps.truncate(clock.instant()),
                Timestamps.truncate(expiresAt),
                null,
                null,
                createdBy,
                ratePerMinute);
        SqlErrors.insert(
                "registration token " + id + " (or one with the same secret) already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                                INSERT INTO registration_tokens (id, tenant_id, secret_hash, description, labels,
                                    max_uses, uses, created_at, expires_at, created_by, rate_per_minute)
                                VALUES (:id, :tenantId, :secretHash, :description, :labels,
                                    :maxUses, 0, :createdAt, :expiresAt, :createdBy, :rate)""")
                        .bind("id", id)
                        .bind("tenantId", tenantId)
                        .bind("secretHash", secretHash)
                        .bind("description", description)
                        .bind("labels", LabelsJson.write(token.labels()))
                        .bind("maxUses", maxUses)
                        .bind("createdAt", Timestamps.arg(token.createdAt()))
                        .bind("expiresAt", Timestamps.arg(token.expiresAt()))
                        .bind("createdBy", createdBy)
                        .bindByType("rate", ratePerMinute, Integer.class)
                        .execute()));
        return token;
    }

    @Override
    public List<RegistrationToken> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM registration_tokens WHERE tenant_id = :tenantId ORDER BY created_at, id")
                .bind("tenantId", tenantId)
                .map(JdbcRegistrationTokenStore::map)
                .list());
    }

    @Override
    public Optional<RegistrationToken> find(String tenantId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM registration_tokens WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .map(JdbcRegistrationTokenStore::map)
                        .findOne());
    }

    @Override
    public boolean revoke(String tenantId, String id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE registration_tokens SET revoked_at = :now
                                WHERE tenant_id = :tenantId AND id = :id AND revoked_at IS NULL""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("now", Timestamps.arg(now))
                        .execute())
                == 1;
    }

    /**
     * One conditional UPDATE spends the use: the database serialises concurrent updates of the row
     * and re-checks {@code uses < max_uses} for the later one, so a one-use token is spent once.
     * Only when nothing was updated is the row read to say why.
     */
    @Override
    public Redemption redeem(String secretHash, Instant now) {
        return jdbi.inTransaction(h -> {
            int spent = h.createUpdate("""
                            UPDATE registration_tokens SET uses = uses + 1, last_used_at = :now
                            WHERE secret_hash = :hash AND uses < max_uses AND revoked_at IS NULL
                              AND expires_at > :now""")
                    .bind("hash", secretHash)
                    .bind("now", Timestamps.arg(now))
                    .execute();
            Optional<RegistrationToken> token = findByHash(h, secretHash);
            if (token.isEmpty()) {
                return new Redemption(Outcome.UNKNOWN, null);
            }
            RegistrationToken t = token.get();
            if (spent == 1) {
                return new Redemption(Outcome.REDEEMED, t);
            }
            if (t.revokedAt() != null) {
                return new Redemption(Outcome.REVOKED, t);
            }
            if (!t.expiresAt().isAfter(Timestamps.truncate(now))) {
                return new Redemption(Outcome.EXPIRED, t);
            }
            return new Redemption(Outcome.USED_UP, t);
        });
    }

    @Override
    public Optional<RegistrationToken> findByHash(String secretHash) {
        return jdbi.withHandle(h -> findByHash(h, secretHash));
    }

    private static Optional<RegistrationToken> findByHash(Handle h, String secretHash) {
        return h.createQuery("SELECT * FROM registration_tokens WHERE secret_hash = :hash")
                .bind("hash", secretHash)
                .map(JdbcRegistrationTokenStore::map)
                .findOne();
    }

    private static RegistrationToken map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new RegistrationToken(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("description"),
                LabelsJson.read(rs.getString("labels")),
                rs.getInt("max_uses"),
                rs.getInt("uses"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "expires_at"),
                Timestamps.read(rs, "revoked_at"),
                Timestamps.read(rs, "last_used_at"),
                rs.getString("created_by"),
                rate(rs));
    }

    private static Integer rate(ResultSet rs) throws SQLException {
        int rate = rs.getInt("rate_per_minute");
        return rs.wasNull() ? null : rate;
    }
}
