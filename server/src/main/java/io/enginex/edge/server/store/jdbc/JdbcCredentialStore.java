package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.CredentialStore;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

final class JdbcCredentialStore implements CredentialStore {
    private final Jdbi jdbi;

    JdbcCredentialStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    /**
     * The primary key (agent_id, jti) is the replay guard: of two concurrent inserts of one jti the
     * database lets exactly one through, and the other fails with a unique violation.
     */
    @Override
    public boolean rememberAssertion(String agentId, String jti, Instant expiresAt) {
        // No error for a replay (which on PostgreSQL would abort the transaction it is part of): the
        // row is either new or not.
        return jdbi.withHandle(h -> h.createUpdate("INSERT INTO assertion_ids (agent_id, jti, expires_at)"
                                + " VALUES (:agentId, :jti, :expiresAt) ON CONFLICT DO NOTHING")
                        .bind("agentId", agentId)
                        .bind("jti", jti)
                        .bind("expiresAt", Timestamps.arg(expiresAt))
                        .execute())
                == 1;
    }

    @Override
    public void saveAccessToken(String tokenHash, String tenantId, String agentId, Instant expiresAt) {
        // The hash is 256 random bits: a collision means a bug, so the DuplicateException is fine.
        SqlErrors.insert(
                "an access token with this hash already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO access_tokens (token_hash, tenant_id, agent_id, expires_at)
                        VALUES (:tokenHash, :tenantId, :agentId, :expiresAt)""")
                        .bind("tokenHash", tokenHash)
                        .bind("tenantId", tenantId)
                        .bind("agentId", agentId)
                        .bind("expiresAt", Timestamps.arg(expiresAt))
                        .execute()));
    }

    /** One conditional UPDATE marks the token used, so two concurrent upgrades cannot both succeed. */
    @Override
    public Optional<AccessGrant> consumeAccessToken(String tokenHash, Instant now) {
        return jdbi.inTransaction(h -> {
            int used = h.createUpdate("""
                            UPDATE access_tokens SET used_at = :now
                            WHERE token_hash = :tokenHash AND used_at IS NULL AND expires_at > :now""")
                    .bind("tokenHash", tokenHash)
                    .bind("now", Timestamps.arg(now))
                    .execute();
            if (used != 1) {
                return Optional.<AccessGrant>empty();
            }
            return h.createQuery("SELECT tenant_id, agent_id FROM access_tokens WHERE token_hash = :tokenHash")
                    .bind("tokenHash", tokenHash)
                    .map((rs, ctx) -> new AccessGrant(rs.getString("tenant_id"), rs.getString("agent_id")))
                    .findOne();
        });
    }

    @Override
    public int purgeExpired(Instant now) {
        return jdbi.inTransaction(h -> h.createUpdate("DELETE FROM assertion_ids WHERE expires_at <= :now")
                        .bind("now", Timestamps.arg(now))
                        .execute()
                + h.createUpdate("DELETE FROM access_tokens WHERE expires_at <= :now")
                        .bind("now", Timestamps.arg(now))
                        .execute());
    }
}
