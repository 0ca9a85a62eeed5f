package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

final class JdbcAgentUpdateStore implements AgentUpdateStore {
    private static final String COLUMNS = """
            agent_version = :version, channel = :channel, ring = :ring, mode = :mode, state = :state,
            target_version = :target, available_version = :available, checked_at = :checkedAt,
            failure_version = :failureVersion, failure_reason = :failureReason, failed_at = :failedAt,
            reported_at = :reportedAt""";

    private final Jdbi jdbi;

    JdbcAgentUpdateStore(Jdbi jdbi) {
        this.jdbi = jdbi;
    }

    @Override
    public void record(AgentUpdate r) {
        // One agent reports on one socket at a time, so an insert race is two sockets of one agent
        // during a reconnect: the loser updates the winner's row.
        jdbi.useTransaction(h -> {
            if (bind(
                                    h.createUpdate("UPDATE agent_updates SET " + COLUMNS
                                            + " WHERE tenant_id = :tenantId AND agent_id = :agentId"),
                                    r)
                            .execute()
                    == 0) {
                SqlErrors.insert(
                        "agent " + r.agentId() + " reported its update state twice at once; the next report wins",
                        () -> bind(h.createUpdate("""
                                        INSERT INTO agent_updates (tenant_id, agent_id, agent_version, channel, ring,
                                            mode, state, target_version, available_version, checked_at,
                                            failure_version, failure_reason, failed_at, reported_at)
                                        VALUES (:tenantId, :agentId, :version, :channel, :ring, :mode, :state,
                                            :target, :available, :checkedAt, :failureVersion, :failureReason,
                                            :failedAt, :reportedAt)"""), r).execute());
            }
        });
    }

    private static Update bind(Update u, AgentUpdate r) {
        AgentUpdate.Failure f = r.failure();
        return u.bind("tenantId", r.tenantId())
                .bind("agentId", r.agentId())
                .bind("version", r.version())
                .bind("channel", r.channel())
                .bind("ring", r.ring())
                .bind("mode", r.mode())
                .bind("state", r.state())
                .bind("target", r.target())
                .bind("available", r.available())
                .bind("checkedAt", Timestamps.arg(r.checkedAt()))
                .bind("failureVersion", f == null ? null : f.version())
                .bind("failureReason", f == null ? null : f.reason())
                .bind("failedAt", Timestamps.arg(f == null ? null : f.at()))
                .bind("reportedAt", Timestamps.arg(r.reportedAt()));
    }

    @Override
    public Optional<AgentUpdate> find(String tenantId, String agentId) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT * FROM agent_updates WHERE tenant_id = :tenantId AND agent_id = :agentId")
                        .bind("tenantId", tenantId)
                        .bind("agentId", agentId)
                        .map(JdbcAgentUpdateStore::map)
                        .findOne());
    }

    @Override
    public List<AgentUpdate> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT u.* FROM agent_updates u
                        JOIN agents a ON a.tenant_id = u.tenant_id AND a.id = u.agent_id
                        WHERE u.tenant_id = :tenantId AND a.revoked_at IS NULL
                        ORDER BY u.agent_id""")
                .bind("tenantId", tenantId)
                .map(JdbcAgentUpdateStore::map)
                .list());
    }

    @Override
    public List<AgentUpdate> inRings(String channel, int fromRing, int toRing) {
        return jdbi.withHandle(h -> inRings(h, channel, fromRing, toRing));
    }

    private static List<AgentUpdate> inRings(Handle h, String channel, int fromRing, int toRing) {
        return h.createQuery("""
                        SELECT u.* FROM agent_updates u
                        JOIN agents a ON a.tenant_id = u.tenant_id AND a.id = u.agent_id
                        WHERE u.channel = :channel AND u.ring >= :from AND u.ring < :to AND a.revoked_at IS NULL""")
                .bind("channel", channel)
                .bind("from", fromRing)
                .bind("to", toRing)
                .map(JdbcAgentUpdateStore::map)
                .list();
    }

    private static AgentUpdate map(ResultSet rs, StatementContext ctx) throws SQLException {
        String reason = rs.getString("failure_reason");
        return new AgentUpdate(
                rs.getString("tenant_id"),
                rs.getString("agent_id"),
                rs.getString("agent_version"),
                rs.getString("channel"),
                rs.getInt("ring"),
                rs.getString("mode"),
                rs.getString("state"),
                rs.getString("target_version"),
                rs.getString("available_version"),
                Timestamps.read(rs, "checked_at"),
                reason == null
                        ? null
                        : new AgentUpdate.Failure(
                                rs.getString("failure_version"), reason, Timestamps.read(rs, "failed_at")),
                Timestamps.read(rs, "reported_at"));
    }
}
