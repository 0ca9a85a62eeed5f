package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.ApiKey;
import io.enginex.edge.server.store.ApiKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcApiKeyStore implements ApiKeyStore {
    private final Jdbi jdbi;
    private final Clock clock;

    JdbcApiKeyStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    @Override
    public ApiKey create(String id, String tenantId, String role, String label, String secretHash) {
        ApiKey key = new ApiKey(id, tenantId, role, label, Timestamps.truncate(clock.instant()), null);
        SqlErrors.insert(
                "API key " + id + " (or one with the same secret) already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                                INSERT INTO api_keys (id, tenant_id, role, label, secret_hash, created_at)
                                VALUES (:id, :tenantId, :role, :label, :secretHash, :createdAt)""")
                        .bind("id", id)
                        .bind("tenantId", tenantId)
                        .bind("role", role)
                        .bind("label", label)
                        .bind("secretHash", secretHash)
                        .bind("createdAt", Timestamps.arg(key.createdAt()))
                        .execute()));
        return key;
    }

    @Override
    public Optional<ApiKey> findActiveByHash(String secretHash) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM api_keys WHERE secret_hash = :hash AND revoked_at IS NULL")
                        .bind("hash", secretHash)
                        .map(JdbcApiKeyStore::map)
                        .findOne());
    }

    @Override
    public boolean anyPlatformKey() {
        return jdbi.withHandle(h -> h.createQuery(
                                "SELECT COUNT(*) FROM api_keys WHERE tenant_id IS NULL AND revoked_at IS NULL")
                        .mapTo(Long.class)
                        .one())
                > 0;
    }

    private static ApiKey map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ApiKey(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("role"),
                rs.getString("label"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "revoked_at"));
    }
}
