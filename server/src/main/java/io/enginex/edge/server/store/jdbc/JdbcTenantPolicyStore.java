package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.TenantPolicyRecord;
import io.enginex.edge.server.store.TenantPolicyStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcTenantPolicyStore implements TenantPolicyStore {
    private final Jdbi jdbi;

    JdbcTenantPolicyStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Put put(
            String tenantId,
            PolicyScope scope,
            String policyJson,
            String description,
            String updatedBy,
            Instant now,
            String newId) {
        return jdbi.inTransaction(h -> {
            Optional<TenantPolicyRecord> existing = h.createQuery("""
                            SELECT * FROM tenant_policies
                            WHERE tenant_id = :tenantId AND scope_kind = :kind AND scope_value = :value""")
                    .bind("tenantId", tenantId)
                    .bind("kind", scope.kind())
                    .bind("value", scope.value())
                    .map(JdbcTenantPolicyStore::map)
                    .findOne();
            if (existing.isPresent()) {
                h.createUpdate("""
                                UPDATE tenant_policies SET policy_json = :json, description = :description,
                                    updated_at = :now, updated_by = :by
                                WHERE tenant_id = :tenantId AND id = :id""")
                        .bind("json", policyJson)
                        .bind("description", description)
                        .bind("now", Timestamps.arg(now))
                        .bind("by", updatedBy)
                        .bind("tenantId", tenantId)
                        .bind("id", existing.get().id())
                        .execute();
                return new Put(find(h, tenantId, existing.get().id()).orElseThrow(), false);
            }
            SqlErrors.insert(
                    "a policy for scope " + scope.wire() + " was created at the same moment; try again",
                    () -> h.createUpdate("""
                                    INSERT INTO tenant_policies (id, tenant_id, scope_kind, scope_value, policy_json,
                                        description, created_at, updated_at, updated_by)
                                    VALUES (:id, :tenantId, :kind, :value, :json, :description, :now, :now, :by)""")
                            .bind("id", newId)
                            .bind("tenantId", tenantId)
                            .bind("kind", scope.kind())
                            .bind("value", scope.value())
                            .bind("json", policyJson)
                            .bind("description", description)
                            .bind("now", Timestamps.arg(now))
                            .bind("by", updatedBy)
                            .execute());
            return new Put(find(h, tenantId, newId).orElseThrow(), true);
        });
    }

    @Override
    public List<TenantPolicyRecord> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM tenant_policies WHERE tenant_id = :tenantId
                        ORDER BY CASE scope_kind WHEN 'tenant' THEN 0 WHEN 'label' THEN 1 ELSE 2 END, scope_value""")
                .bind("tenantId", tenantId)
                .map(JdbcTenantPolicyStore::map)
                .list());
    }

    @Override
    public Optional<TenantPolicyRecord> find(String tenantId, String id) {
        return jdbi.withHandle(h -> find(h, tenantId, id));
    }

    @Override
    public boolean delete(String tenantId, String id) {
        return jdbi.withHandle(
                        h -> h.createUpdate("DELETE FROM tenant_policies WHERE tenant_id = :tenantId AND id = :id")
                                .bind("tenantId", tenantId)
                                .bind("id", id)
                                .execute())
                == 1;
    }

    private static Optional<TenantPolicyRecord> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM tenant_policies WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcTenantPolicyStore::map)
                .findOne();
    }

    private static TenantPolicyRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new TenantPolicyRecord(
                rs.getString("id"),
                rs.getString("tenant_id"),
                new PolicyScope(rs.getString("scope_kind"), rs.getString("scope_value")),
                rs.getString("policy_json"),
                rs.getString("description"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "updated_at"),
                rs.getString("updated_by"));
    }
}
