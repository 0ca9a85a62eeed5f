package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.ConnectionHistoryStore;
import io.enginex.edge.server.store.ConnectionRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Jdbi;

final class JdbcConnectionHistoryStore implements ConnectionHistoryStore {
    private final Jdbi jdbi;

    JdbcConnectionHistoryStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void opened(ConnectionRecord c) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO agent_connections (id, tenant_id, agent_id, hub_node, remote_address,
                                                       connected_at, disconnected_at, close_code, close_reason)
                        VALUES (:id, :tenantId, :agentId, :hubNode, :remoteAddress,
                                :connectedAt, :disconnectedAt, :closeCode, :closeReason)""")
                .bind("id", c.id())
                .bind("tenantId", c.tenantId())
                .bind("agentId", c.agentId())
                .bind("hubNode", c.hubNode())
                .bind("remoteAddress", c.remoteAddress())
                .bind("connectedAt", Timestamps.arg(c.connectedAt()))
                .bind("disconnectedAt", Timestamps.arg(c.disconnectedAt()))
                .bind("closeCode", c.closeCode())
                .bind("closeReason", c.closeReason())
                .execute());
    }

    @Override
    public boolean closed(String tenantId, String id, Instant at, Integer closeCode, String closeReason) {
        String reason = closeReason == null || closeReason.length() <= ConnectionRecord.MAX_REASON
                ? closeReason
                : closeReason.substring(0, ConnectionRecord.MAX_REASON);
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE agent_connections
                                SET disconnected_at = :at, close_code = :closeCode, close_reason = :closeReason
                                WHERE tenant_id = :tenantId AND id = :id AND disconnected_at IS NULL""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("at", Timestamps.arg(at))
                        .bind("closeCode", closeCode)
                        .bind("closeReason", reason)
                        .execute())
                == 1;
    }

    @Override
    public List<ConnectionRecord> list(String tenantId, String agentId, String before, int limit) {
        String sql = "SELECT * FROM agent_connections WHERE tenant_id = :tenantId AND agent_id = :agentId"
                + (before == null ? "" : " AND id < :before")
                + " ORDER BY id DESC LIMIT :limit";
        return jdbi.withHandle(h -> {
            var q = h.createQuery(sql)
                    .bind("tenantId", tenantId)
                    .bind("agentId", agentId)
                    .bind("limit", limit);
            if (before != null) {
                q.bind("before", before);
            }
            return q.map((rs, ctx) -> read(rs)).list();
        });
    }

    @Override
    public int closeAllOf(String hubNode, Instant at, String reason) {
        return jdbi.withHandle(h -> h.createUpdate("""
                        UPDATE agent_connections SET disconnected_at = :at, close_reason = :reason
                        WHERE hub_node = :hubNode AND disconnected_at IS NULL""")
                .bind("hubNode", hubNode)
                .bind("at", Timestamps.arg(at))
                .bind("reason", reason)
                .execute());
    }

    @Override
    public Map<String, String> openElsewhere(String tenantId, String node, Instant liveSince) {
        return jdbi.withHandle(h -> {
            Map<String, String> where = new HashMap<>();
            h.createQuery("""
                            SELECT c.agent_id, c.hub_node FROM agent_connections c
                            JOIN hub_nodes n ON n.node_name = c.hub_node
                            WHERE c.tenant_id = :tenantId AND c.disconnected_at IS NULL
                              AND c.hub_node <> :node AND n.seen_at >= :liveSince
                            ORDER BY c.connected_at""")
                    .bind("tenantId", tenantId)
                    .bind("node", node)
                    .bind("liveSince", Timestamps.arg(liveSince))
                    .map((rs, ctx) -> Map.entry(rs.getString("agent_id"), rs.getString("hub_node")))
                    .forEach(e -> where.put(e.getKey(), e.getValue())); // the newest connection wins
            return Map.copyOf(where);
        });
    }

    @Override
    public int purge(Instant endedBefore, int keepPerAgent) {
        return jdbi.inTransaction(h -> {
            int old = h.createUpdate("DELETE FROM agent_connections WHERE disconnected_at < :endedBefore")
                    .bind("endedBefore", Timestamps.arg(endedBefore))
                    .execute();
            // ROW_NUMBER runs the same on H2 and PostgreSQL; ids sort by creation time.
            int surplus = h.createUpdate("""
                            DELETE FROM agent_connections WHERE id IN (
                                SELECT id FROM (
                                    SELECT id, ROW_NUMBER() OVER (
                                        PARTITION BY tenant_id, agent_id ORDER BY id DESC) AS position
                                    FROM agent_connections) ranked
                                WHERE position > :keep)""").bind("keep", keepPerAgent).execute();
            return old + surplus;
        });
    }

    private static ConnectionRecord read(ResultSet rs) throws SQLException {
        int code = rs.getInt("close_code");
        Integer closeCode = rs.wasNull() ? null : code;
        return new ConnectionRecord(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("agent_id"),
                rs.getString("hub_node"),
                rs.getString("remote_address"),
                Timestamps.read(rs, "connected_at"),
                Timestamps.read(rs, "disconnected_at"),
                closeCode,
                rs.getString("close_reason"));
    }
}
