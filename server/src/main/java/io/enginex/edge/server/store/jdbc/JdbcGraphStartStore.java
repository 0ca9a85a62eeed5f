package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.GraphStartRecord;
import io.enginex.edge.server.store.GraphStartStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcGraphStartStore implements GraphStartStore {
    private final Jdbi jdbi;

    JdbcGraphStartStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void insert(GraphStartRecord s) {
        jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO graph_starts (id, tenant_id, graph_id, graph_name, graph_version, agent_id, input,
                            started_by, created_at, expires_at, state)
                        VALUES (:id, :tenantId, :graphId, :graphName, :version, :agentId, :input, :by, :createdAt,
                            :expiresAt, :state)""")
                .bind("id", s.id())
                .bind("tenantId", s.tenantId())
                .bind("graphId", s.graphId())
                .bind("graphName", s.graphName())
                .bind("version", s.graphVersion())
                .bind("agentId", s.agentId())
                .bind("input", s.input())
                .bind("by", s.startedBy())
                .bind("createdAt", Timestamps.arg(s.createdAt()))
                .bind("expiresAt", Timestamps.arg(s.expiresAt()))
                .bind("state", s.state())
                .execute());
    }

    @Override
    public Optional<GraphStartRecord> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM graph_starts WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcGraphStartStore::start)
                .findOne());
    }

    @Override
    public List<GraphStartRecord> list(String tenantId, String agentId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_starts WHERE tenant_id = :tenantId
                            AND (CAST(:agentId AS VARCHAR(64)) IS NULL OR agent_id = :agentId)
                        ORDER BY created_at DESC, id DESC LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .bind("limit", limit)
                .map(JdbcGraphStartStore::start)
                .list());
    }

    @Override
    public List<GraphStartRecord> queuedFor(String tenantId, String agentId, Instant now) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_starts WHERE tenant_id = :tenantId AND agent_id = :agentId
                            AND state = 'queued' AND expires_at > :now
                        ORDER BY created_at, id""")
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .bind("now", Timestamps.arg(now))
                .map(JdbcGraphStartStore::start)
                .list());
    }

    @Override
    public List<GraphStartRecord> queued(Instant now, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_starts WHERE state = 'queued' AND expires_at > :now
                        ORDER BY created_at, id LIMIT :limit""")
                .bind("now", Timestamps.arg(now))
                .bind("limit", limit)
                .map(JdbcGraphStartStore::start)
                .list());
    }

    @Override
    public boolean claim(String tenantId, String id, String node, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE graph_starts SET state = 'sent', sent_at = :now, sent_by_node = :node
                                WHERE tenant_id = :tenantId AND id = :id AND state = 'queued'
                                    AND expires_at > :now""")
                        .bind("now", Timestamps.arg(now))
                        .bind("node", node)
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public void requeue(String tenantId, String id) {
        jdbi.useHandle(h ->
                h.createUpdate("""
                        UPDATE graph_starts SET state = 'queued', sent_at = NULL, sent_by_node = NULL
                        WHERE tenant_id = :tenantId AND id = :id AND state = 'sent'""").bind("tenantId", tenantId).bind("id", id).execute());
    }

    @Override
    public boolean cancel(String tenantId, String id, String by, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE graph_starts SET state = 'cancelled', cancelled_at = :now, cancelled_by = :by
                                WHERE tenant_id = :tenantId AND id = :id AND state = 'queued'""")
                        .bind("now", Timestamps.arg(now))
                        .bind("by", by)
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public int purgeEnded(Instant before) {
        return jdbi.withHandle(
                h -> h.createUpdate("""
                        DELETE FROM graph_starts
                        WHERE (state = 'sent' AND sent_at < :before)
                            OR (state = 'cancelled' AND cancelled_at < :before)
                            OR (state = 'queued' AND expires_at < :before)""").bind("before", Timestamps.arg(before)).execute());
    }

    private static GraphStartRecord start(ResultSet rs, StatementContext ctx) throws SQLException {
        return new GraphStartRecord(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("graph_id"),
                rs.getString("graph_name"),
                rs.getInt("graph_version"),
                rs.getString("agent_id"),
                rs.getString("input"),
                rs.getString("started_by"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "expires_at"),
                rs.getString("state"),
                Timestamps.read(rs, "sent_at"),
                rs.getString("sent_by_node"),
                Timestamps.read(rs, "cancelled_at"),
                rs.getString("cancelled_by"));
    }
}
