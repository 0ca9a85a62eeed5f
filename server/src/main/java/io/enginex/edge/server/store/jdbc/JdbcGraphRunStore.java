package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.GraphRunRecord;
import io.enginex.edge.server.store.GraphRunStepRecord;
import io.enginex.edge.server.store.GraphRunStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcGraphRunStore implements GraphRunStore {
    private final Jdbi jdbi;

    JdbcGraphRunStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public boolean store(
            GraphRunRecord r, List<GraphRunStepRecord> steps, java.util.function.Consumer<GraphRunStepRecord> stored) {
        return jdbi.inTransaction(h -> {
            h.createUpdate("""
                            INSERT INTO graph_runs (run_id, tenant_id, agent_id, graph_name, graph_id, graph_version,
                                graph_standing, status, input, started_at, ended_at, arrived_at, ended_arrived_at)
                            VALUES (:runId, :tenantId, :agentId, :graphName, :graphId, :graphVersion, :standing,
                                :status, :input, :startedAt, :endedAt, :arrivedAt, :endedArrivedAt)
                            ON CONFLICT DO NOTHING""")
                    .bind("runId", r.runId())
                    .bind("tenantId", r.tenantId())
                    .bind("agentId", r.agentId())
                    .bind("graphName", r.graphName())
                    .bind("graphId", r.graphId())
                    .bind("graphVersion", r.graphVersion())
                    .bind("standing", r.standing())
                    .bind("status", r.status())
                    .bind("input", r.input())
                    .bind("startedAt", Timestamps.arg(r.startedAt()))
                    .bind("endedAt", Timestamps.arg(r.endedAt()))
                    .bind("arrivedAt", Timestamps.arg(r.arrivedAt()))
                    .bind("endedArrivedAt", Timestamps.arg(r.endedAt() == null ? null : r.arrivedAt()))
                    .execute();
            boolean ours = h.createQuery("""
                            SELECT count(*) FROM graph_runs
                            WHERE run_id = :runId AND tenant_id = :tenantId AND agent_id = :agentId""")
                            .bind("runId", r.runId())
                            .bind("tenantId", r.tenantId())
                            .bind("agentId", r.agentId())
                            .mapTo(Integer.class)
                            .one()
                    == 1;
            if (!ours) {
                return false;
            }
            if (r.endedAt() != null) {
                h.createUpdate("""
                                UPDATE graph_runs SET status = :status, ended_at = :endedAt, ended_arrived_at = :now
                                WHERE run_id = :runId AND ended_at IS NULL""")
                        .bind("status", r.status())
                        .bind("endedAt", Timestamps.arg(r.endedAt()))
                        .bind("now", Timestamps.arg(r.arrivedAt()))
                        .bind("runId", r.runId())
                        .execute();
            }
            for (GraphRunStepRecord s : steps) {
                int inserted = h.createUpdate("""
                                INSERT INTO graph_run_steps (id, run_id, tenant_id, step, state, attempts, error_code,
                                    error_message, reason, output, output_truncated, output_preview, output_bytes,
                                    output_sha256, settled_at, arrived_at, output_file, consent_json)
                                VALUES (:id, :runId, :tenantId, :step, :state, :attempts, :errorCode, :errorMessage,
                                    :reason, :output, :truncated, :preview, :bytes, :sha256, :settledAt, :arrivedAt,
                                    :file, :consent)
                                ON CONFLICT DO NOTHING""")
                        .bind("id", s.id())
                        .bind("runId", r.runId())
                        .bind("tenantId", r.tenantId())
                        .bind("step", s.step())
                        .bind("state", s.state())
                        .bind("attempts", s.attempts())
                        .bind("errorCode", s.errorCode())
                        .bind("errorMessage", s.errorMessage())
                        .bind("reason", s.reason())
                        .bind("output", s.output())
                        .bind("truncated", s.outputTruncated())
                        .bind("preview", s.outputPreview())
                        .bind("bytes", s.outputBytes())
                        .bind("sha256", s.outputSha256())
                        .bind("settledAt", Timestamps.arg(s.settledAt()))
                        .bind("arrivedAt", Timestamps.arg(s.arrivedAt()))
                        .bind("file", s.outputFile())
                        .bind("consent", s.consentJson())
                        .execute();
                if (inserted == 1) {
                    stored.accept(s);
                }
            }
            return true;
        });
    }

    @Override
    public boolean auditArrived(String tenantId, String agentId, String recordId, java.time.Instant at) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                INSERT INTO graph_step_audit (tenant_id, agent_id, record_id, arrived_at)
                                VALUES (:t, :a, :r, :at) ON CONFLICT DO NOTHING""")
                        .bind("t", tenantId)
                        .bind("a", agentId)
                        .bind("r", recordId)
                        .bind("at", Timestamps.arg(at))
                        .execute())
                == 1;
    }

    @Override
    public List<GraphRunRecord> runsOf(String tenantId, String graphId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_runs WHERE tenant_id = :tenantId AND graph_id = :graphId
                        ORDER BY started_at DESC, run_id LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("graphId", graphId)
                .bind("limit", limit)
                .map(JdbcGraphRunStore::runRow)
                .list());
    }

    @Override
    public List<GraphRunRecord> localRuns(String tenantId, int limit) {
        // graph_runs_by_graph (tenant_id, graph_id, started_at) serves graph_id IS NULL too
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM graph_runs WHERE tenant_id = :tenantId AND graph_id IS NULL
                        ORDER BY started_at DESC, run_id LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("limit", limit)
                .map(JdbcGraphRunStore::runRow)
                .list());
    }

    @Override
    public Optional<GraphRunRecord> run(String tenantId, String runId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM graph_runs WHERE tenant_id = :tenantId AND run_id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", runId)
                        .map(JdbcGraphRunStore::runRow)
                        .findOne());
    }

    @Override
    public List<GraphRunStepRecord> steps(String tenantId, String runId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT s.*, o.received_bytes, o.complete FROM graph_run_steps s
                        LEFT JOIN graph_run_outputs o ON o.step_id = s.id
                        WHERE s.tenant_id = :tenantId AND s.run_id = :runId
                        ORDER BY s.settled_at, s.id""")
                .bind("tenantId", tenantId)
                .bind("runId", runId)
                .map(JdbcGraphRunStore::step)
                .list());
    }

    private static GraphRunRecord runRow(ResultSet rs, StatementContext ctx) throws SQLException {
        int version = rs.getInt("graph_version");
        return new GraphRunRecord(
                rs.getString("run_id"),
                rs.getString("tenant_id"),
                rs.getString("agent_id"),
                rs.getString("graph_name"),
                rs.getString("graph_id"),
                rs.wasNull() ? null : version,
                rs.getString("graph_standing"),
                rs.getString("status"),
                rs.getString("input"),
                Timestamps.read(rs, "started_at"),
                Timestamps.read(rs, "ended_at"),
                Timestamps.read(rs, "arrived_at"),
                Timestamps.read(rs, "ended_arrived_at"));
    }

    private static GraphRunStepRecord step(ResultSet rs, StatementContext ctx) throws SQLException {
        long bytes = rs.getLong("output_bytes");
        Long outputBytes = rs.wasNull() ? null : bytes;
        return new GraphRunStepRecord(
                rs.getString("id"),
                rs.getString("run_id"),
                rs.getString("tenant_id"),
                rs.getString("step"),
                rs.getString("state"),
                rs.getInt("attempts"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getString("reason"),
                rs.getString("output"),
                rs.getBoolean("output_truncated"),
                rs.getString("output_preview"),
                outputBytes,
                rs.getString("output_sha256"),
                Timestamps.read(rs, "settled_at"),
                Timestamps.read(rs, "arrived_at"),
                rs.getBoolean("output_file"),
                rs.getLong("received_bytes"),
                rs.getBoolean("complete"),
                rs.getString("consent_json"));
    }
}
