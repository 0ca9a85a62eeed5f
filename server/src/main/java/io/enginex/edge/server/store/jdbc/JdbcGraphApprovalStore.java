package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.GraphApprovalRecord;
import io.enginex.edge.server.store.GraphApprovalStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcGraphApprovalStore implements GraphApprovalStore {
    private final Jdbi jdbi;

    JdbcGraphApprovalStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean insertIfAbsent(GraphApprovalRecord a) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                INSERT INTO graph_approvals (id, tenant_id, agent_id, run_id, step_id, graph_id,
                                    graph_name, graph_version, tool, args, reason, requested_at, arrived_at, state)
                                VALUES (:id, :tenantId, :agentId, :runId, :stepId, :graphId, :graphName, :version,
                                    :tool, :args, :reason, :requestedAt, :arrivedAt, :state)
                                ON CONFLICT DO NOTHING""")
                        .bind("id", a.id())
                        .bind("tenantId", a.tenantId())
                        .bind("agentId", a.agentId())
                        .bind("runId", a.runId())
                        .bind("stepId", a.stepId())
                        .bind("graphId", a.graphId())
                        .bind("graphName", a.graphName())
                        .bind("version", a.graphVersion())
                        .bind("tool", a.tool())
                        .bind("args", a.args())
                        .bind("reason", a.reason())
                        .bind("requestedAt", Timestamps.arg(a.requestedAt()))
                        .bind("arrivedAt", Timestamps.arg(a.arrivedAt()))
                        .bind("state", a.state())
                        .execute())
                == 1;
    }

    @Override
    public Optional<GraphApprovalRecord> find(String tenantId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM graph_approvals WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .map(JdbcGraphApprovalStore::approval)
                        .findOne());
    }

    @Override
    public List<GraphApprovalRecord> list(String tenantId, String state, String runId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_approvals WHERE tenant_id = :tenantId
                            AND (CAST(:state AS VARCHAR(16)) IS NULL OR state = :state)
                            AND (CAST(:runId AS VARCHAR(80)) IS NULL OR run_id = :runId)
                        ORDER BY CASE WHEN state = 'waiting' THEN 0 ELSE 1 END, requested_at DESC, id DESC
                        LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("state", state)
                .bind("runId", runId)
                .bind("limit", limit)
                .map(JdbcGraphApprovalStore::approval)
                .list());
    }

    @Override
    public boolean decide(String tenantId, String id, boolean approved, String by, String reason, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE graph_approvals SET state = 'decided', approved = :approved, decided_by = :by,
                                    decided_at = :at, decision_reason = :reason
                                WHERE tenant_id = :tenantId AND id = :id AND state = 'waiting'""")
                        .bind("approved", approved)
                        .bind("by", by)
                        .bind("at", Timestamps.arg(at))
                        .bind("reason", reason)
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public List<GraphApprovalRecord> decidedFor(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_approvals WHERE tenant_id = :tenantId AND agent_id = :agentId
                            AND state = 'decided'
                        ORDER BY decided_at, id""")
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .map(JdbcGraphApprovalStore::approval)
                .list());
    }

    @Override
    public List<GraphApprovalRecord> decided(int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_approvals WHERE state = 'decided' ORDER BY decided_at, id LIMIT :limit""")
                .bind("limit", limit)
                .map(JdbcGraphApprovalStore::approval)
                .list());
    }

    @Override
    public boolean claim(String tenantId, String id, String node, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE graph_approvals SET state = 'sent', sent_at = :now, sent_by_node = :node
                                WHERE tenant_id = :tenantId AND id = :id AND state = 'decided'""")
                        .bind("now", Timestamps.arg(now))
                        .bind("node", node)
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public void requeueSent(String tenantId, String agentId) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE graph_approvals SET state = 'decided'
                        WHERE tenant_id = :tenantId AND agent_id = :agentId AND state = 'sent'""")
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .execute());
    }

    @Override
    public void requeue(String tenantId, String id) {
        jdbi.useHandle(h ->
                h.createUpdate("""
                        UPDATE graph_approvals SET state = 'decided'
                        WHERE tenant_id = :tenantId AND id = :id AND state = 'sent'""").bind("tenantId", tenantId).bind("id", id).execute());
    }

    @Override
    public boolean answer(String tenantId, String agentId, String id, String outcome, String message, Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE graph_approvals SET state = 'answered', outcome = :outcome,
                                    outcome_message = :message, answered_at = :at
                                WHERE tenant_id = :tenantId AND agent_id = :agentId AND id = :id
                                    AND state IN ('decided', 'sent')""")
                        .bind("outcome", outcome)
                        .bind("message", message)
                        .bind("at", Timestamps.arg(at))
                        .bind("tenantId", tenantId)
                        .bind("agentId", agentId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public Optional<String> decidedOnMachine(
            String tenantId,
            String agentId,
            String runId,
            String stepId,
            boolean approved,
            String by,
            String reason,
            Instant decidedAt,
            Instant arrivedAt) {
        return jdbi.inTransaction(h -> {
            Optional<String> id = h.createQuery("""
                            SELECT id FROM graph_approvals WHERE tenant_id = :tenantId AND agent_id = :agentId
                                AND run_id = :runId AND step_id = :stepId AND state = 'waiting'""")
                    .bind("tenantId", tenantId)
                    .bind("agentId", agentId)
                    .bind("runId", runId)
                    .bind("stepId", stepId)
                    .mapTo(String.class)
                    .findOne();
            if (id.isEmpty()) {
                return id;
            }
            int changed = h.createUpdate("""
                            UPDATE graph_approvals SET state = 'answered', approved = :approved, decided_by = :by,
                                decided_at = :decidedAt, decision_reason = :reason, outcome = 'decided_on_machine',
                                outcome_message = :message, answered_at = :arrivedAt
                            WHERE tenant_id = :tenantId AND id = :id AND state = 'waiting'""")
                    .bind("approved", approved)
                    .bind("by", by)
                    .bind("decidedAt", Timestamps.arg(decidedAt))
                    .bind("reason", reason)
                    .bind(
                            "message",
                            (approved ? "approved" : "denied") + " at the machine by " + by + " (device time "
                                    + decidedAt + ")")
                    .bind("arrivedAt", Timestamps.arg(arrivedAt))
                    .bind("tenantId", tenantId)
                    .bind("id", id.get())
                    .execute();
            return changed == 1 ? id : Optional.<String>empty();
        });
    }

    private static GraphApprovalRecord approval(ResultSet rs, StatementContext ctx) throws SQLException {
        int version = rs.getInt("graph_version");
        Integer graphVersion = rs.wasNull() ? null : version;
        boolean approved = rs.getBoolean("approved");
        Boolean decision = rs.wasNull() ? null : approved;
        return new GraphApprovalRecord(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("agent_id"),
                rs.getString("run_id"),
                rs.getString("step_id"),
                rs.getString("graph_id"),
                rs.getString("graph_name"),
                graphVersion,
                rs.getString("tool"),
                rs.getString("args"),
                rs.getString("reason"),
                Timestamps.read(rs, "requested_at"),
                Timestamps.read(rs, "arrived_at"),
                rs.getString("state"),
                decision,
                rs.getString("decided_by"),
                Timestamps.read(rs, "decided_at"),
                rs.getString("decision_reason"),
                Timestamps.read(rs, "sent_at"),
                rs.getString("sent_by_node"),
                rs.getString("outcome"),
                rs.getString("outcome_message"),
                Timestamps.read(rs, "answered_at"));
    }
}
