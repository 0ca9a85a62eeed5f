package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.McpToolRuleStore;
import java.time.Instant;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/** {@link McpToolRuleStore} in {@code mcp_tool_rules}. */
final class JdbcMcpToolRuleStore implements McpToolRuleStore {
    private final Jdbi jdbi;

    JdbcMcpToolRuleStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public Optional<Stored> find(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM mcp_tool_rules WHERE tenant_id = :tenantId")
                .bind("tenantId", tenantId)
                .map((rs, ctx) -> new Stored(
                        rs.getString("tenant_id"),
                        rs.getString("rules_json"),
                        Timestamps.read(rs, "updated_at"),
                        rs.getString("updated_by")))
                .findOne());
    }

    @Override
    public Stored put(String tenantId, String rulesJson, String updatedBy, Instant now) {
        Instant at = Timestamps.truncate(now);
        // An update, else an insert that a concurrent first set may win (ON CONFLICT DO NOTHING, on H2
        // and PostgreSQL), after which the update applies.
        jdbi.useTransaction(h -> {
            if (update(h, tenantId, rulesJson, updatedBy, at) == 0
                    && h.createUpdate("""
                                    INSERT INTO mcp_tool_rules (tenant_id, rules_json, updated_at, updated_by)
                                    VALUES (:tenantId, :rules, :at, :by) ON CONFLICT DO NOTHING""")
                                    .bind("tenantId", tenantId)
                                    .bind("rules", rulesJson)
                                    .bind("at", Timestamps.arg(at))
                                    .bind("by", updatedBy)
                                    .execute()
                            == 0) {
                update(h, tenantId, rulesJson, updatedBy, at);
            }
        });
        return new Stored(tenantId, rulesJson, at, updatedBy);
    }

    private static int update(Handle h, String tenantId, String rulesJson, String updatedBy, Instant at) {
        return h.createUpdate("""
                        UPDATE mcp_tool_rules SET rules_json = :rules, updated_at = :at, updated_by = :by
                        WHERE tenant_id = :tenantId""")
                .bind("tenantId", tenantId)
                .bind("rules", rulesJson)
                .bind("at", Timestamps.arg(at))
                .bind("by", updatedBy)
                .execute();
    }

    @Override
    public boolean delete(String tenantId) {
        return jdbi.withHandle(h -> h.createUpdate("DELETE FROM mcp_tool_rules WHERE tenant_id = :tenantId")
                        .bind("tenantId", tenantId)
                        .execute())
                > 0;
    }
}
