package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.ApiKey;
import io.enginex.edge.server.store.ApiKeyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
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
    public ApiKey create(String id, String tenantId, String role, String label, String secretHash, String createdBy) {
        ApiKey key = new ApiKey(id, tenantId, role, label, Timestamps.truncate(clock.instant()), null, null, createdBy);
        SqlErrors.insert(
                "API key " + id + " (or one with the same secret) already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                                INSERT INTO api_keys (id, tenant_id, role, label, secret_hash, created_at, created_by)
                                VALUES (:id, :tenantId, :role, :label, :secretHash, :createdAt, :createdBy)""")
                        .bind("id", id)
                        .bind("tenantId", tenantId)
                        .bind("role", role)
                        .bind("label", label)
                        .bind("secretHash", secretHash)
                        .bind("createdAt", Timestamps.arg(key.createdAt()))
                        .bind("createdBy", createdBy)
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

    @Override
    public List<ApiKey> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery(
                        "SELECT * FROM api_keys WHERE tenant_id = :tenantId ORDER BY created_at DESC, id DESC")
                .bind("tenantId", tenantId)
                .map(JdbcApiKeyStore::map)
                .list());
    }

    @Override
    public Optional<ApiKey> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM api_keys WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcApiKeyStore::map)
                .findOne());
    }

    @Override
    public boolean revoke(String tenantId, String id, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE api_keys SET revoked_at = :at
                                WHERE tenant_id = :tenantId AND id = :id AND revoked_at IS NULL""")
                        .bind("at", Timestamps.arg(at))
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public void touch(String id, Instant at) {
        jdbi.useHandle(h -> h.createUpdate("UPDATE api_keys SET last_used_at = :at WHERE id = :id")
                .bind("at", Timestamps.arg(at))
                .bind("id", id)
                .execute());
    }

    private static ApiKey map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new ApiKey(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("role"),
                rs.getString("label"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "revoked_at"),
                Timestamps.read(rs, "last_used_at"),
                rs.getString("created_by"));
    }
}
