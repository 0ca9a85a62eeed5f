package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentQuery;
import io.enginex.edge.server.store.AgentSessionEvent;
import io.enginex.edge.server.store.AgentSessionPart;
import io.enginex.edge.server.store.AgentSessionReport;
import io.enginex.edge.server.store.AgentStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

final class JdbcAgentStore implements AgentStore {
    private final Jdbi jdbi;
    private final Clock clock;

    JdbcAgentStore(Jdbi jdbi, Clock clock) {
        this.jdbi = jdbi;
        this.clock = clock;
    }

    /** Writes the agent as given; a null {@code createdAt} means now. Returns it as stored. */
    @Override
    public Agent create(Agent agent) {
        Instant createdAt = agent.createdAt() == null ? clock.instant() : agent.createdAt();
        SqlErrors.insert(
                "agent " + agent.id() + " already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO agents (id, tenant_id, public_key, hostname, os, arch, agent_version, labels,
                            tools_json, registration_token_id, created_at, last_seen_at, revoked_at)
                        VALUES (:id, :tenantId, :publicKey, :hostname, :os, :arch, :agentVersion, :labels,
                            :toolsJson, :registrationTokenId, :createdAt, :lastSeenAt, :revokedAt)""")
                        .bind("id", agent.id())
                        .bind("tenantId", agent.tenantId())
                        .bind("publicKey", agent.publicKey())
                        .bind("hostname", agent.hostname())
                        .bind("os", agent.os())
                        .bind("arch", agent.arch())
                        .bind("agentVersion", agent.agentVersion())
                        .bind("labels", LabelsJson.write(agent.labels()))
                        .bind("toolsJson", agent.toolsJson())
                        .bind("registrationTokenId", agent.registrationTokenId())
                        .bind("createdAt", Timestamps.arg(createdAt))
                        .bind("lastSeenAt", Timestamps.arg(agent.lastSeenAt()))
                        .bind("revokedAt", Timestamps.arg(agent.revokedAt()))
                        .execute()));
        return new Agent(
                agent.id(),
                agent.tenantId(),
                agent.publicKey(),
                agent.hostname(),
                agent.os(),
                agent.arch(),
                agent.agentVersion(),
                agent.labels(),
                agent.toolsJson(),
                agent.registrationTokenId(),
                Timestamps.truncate(createdAt),
                Timestamps.truncate(agent.lastSeenAt()),
                Timestamps.truncate(agent.revokedAt()),
                null);
    }

    @Override
    public Optional<Agent> find(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(JdbcAgentStore::map)
                .findOne());
    }

    @Override
    public Optional<Agent> findForAuthentication(String id) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE id = :id")
                .bind("id", id)
                .map(JdbcAgentStore::map)
                .findOne());
    }

    @Override
    public List<Agent> list(String tenantId) {
        return jdbi.withHandle(h -> h.createQuery("SELECT * FROM agents WHERE tenant_id = :tenantId ORDER BY id")
                .bind("tenantId", tenantId)
                .map(JdbcAgentStore::map)
                .list());
    }

    @Override
    public void updateHello(
            String tenantId,
            String id,
            String hostname,
            String os,
            String arch,
            String agentVersion,
            String toolsJson,
            Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE agents SET hostname = :hostname, os = :os, arch = :arch, agent_version = :agentVersion,
                            tools_json = :toolsJson, last_seen_at = :now, effective_policy_json = NULL
                        WHERE tenant_id = :tenantId AND id = :id""")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .bind("hostname", hostname)
                .bind("os", os)
                .bind("arch", arch)
                .bind("agentVersion", agentVersion)
                .bind("toolsJson", toolsJson == null ? "[]" : toolsJson)
                .bind("now", Timestamps.arg(now))
                .execute());
    }

    @Override
    public void updateAdvertised(
            String tenantId, String id, String toolsJson, String effectivePolicyJson, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE agents SET tools_json = :toolsJson, effective_policy_json = :policy,
                            advertised_at = :now, last_seen_at = :now
                        WHERE tenant_id = :tenantId AND id = :id""")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .bind("toolsJson", toolsJson == null ? "[]" : toolsJson)
                .bind("policy", effectivePolicyJson)
                .bind("now", Timestamps.arg(now))
                .execute());
    }

    @Override
    public Optional<String> effectivePolicy(String tenantId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT effective_policy_json FROM agents WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .mapTo(String.class)
                        .findOne());
    }

    @Override
    public void touch(String tenantId, String id, Instant now) {
        jdbi.useHandle(
                h -> h.createUpdate("UPDATE agents SET last_seen_at = :now WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("now", Timestamps.arg(now))
                        .execute());
    }

    @Override
    public boolean revoke(String tenantId, String id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE agents SET revoked_at = :now
                                WHERE tenant_id = :tenantId AND id = :id AND revoked_at IS NULL""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("now", Timestamps.arg(now))
                        .execute())
                == 1;
    }

    @Override
    public boolean replacePublicKey(String tenantId, String id, String oldPublicKey, String newPublicKey) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE agents SET public_key = :newKey
                                WHERE tenant_id = :tenantId AND id = :id AND public_key = :oldKey
                                  AND revoked_at IS NULL""")
                        .bind("newKey", newPublicKey)
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("oldKey", oldPublicKey)
                        .execute())
                == 1;
    }

    @Override
    public boolean deregister(String tenantId, String id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE agents SET revoked_at = :now, deregistered_at = :now
                                WHERE tenant_id = :tenantId AND id = :id AND revoked_at IS NULL""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("now", Timestamps.arg(now))
                        .execute())
                == 1;
    }

    @Override
    public Optional<Instant> findDeregistered(String tenantId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT deregistered_at FROM agents WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .map((rs, ctx) -> Optional.ofNullable(Timestamps.read(rs, "deregistered_at")))
                        .findOne()
                        .flatMap(found -> found));
    }

    @Override
    public boolean setLabels(String tenantId, String id, List<String> labels) {
        return jdbi.withHandle(h -> h.createUpdate(
                                "UPDATE agents SET labels = :labels WHERE tenant_id = :tenantId AND id = :id")
                        .bind("labels", LabelsJson.write(labels))
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .execute())
                == 1;
    }

    @Override
    public boolean archive(String tenantId, String id, Instant now) {
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE agents SET archived_at = :now
                                WHERE tenant_id = :tenantId AND id = :id
                                  AND revoked_at IS NOT NULL AND archived_at IS NULL""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("now", Timestamps.arg(now))
                        .execute())
                == 1;
    }

    @Override
    public Optional<Instant> findArchived(String tenantId, String id) {
        return jdbi.withHandle(
                h -> h.createQuery("SELECT archived_at FROM agents WHERE tenant_id = :tenantId AND id = :id")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .map((rs, ctx) -> Optional.ofNullable(Timestamps.read(rs, "archived_at")))
                        .findOne()
                        .flatMap(found -> found));
    }

    @Override
    public Set<String> archivedIds(String tenantId) {
        return jdbi.withHandle(h -> Set.copyOf(
                h.createQuery("SELECT id FROM agents WHERE tenant_id = :tenantId AND archived_at IS NOT NULL")
                        .bind("tenantId", tenantId)
                        .mapTo(String.class)
                        .list()));
    }

    @Override
    public Optional<AgentPause> recordPause(String tenantId, String id, AgentPause pause) {
        return jdbi.inTransaction(h -> {
            Optional<AgentPause> before = findPause(h, tenantId, id);
            h.createUpdate("DELETE FROM agent_pauses WHERE tenant_id = :tenantId AND agent_id = :id")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .execute();
            if (pause != null) {
                h.createUpdate("""
                                INSERT INTO agent_pauses (tenant_id, agent_id, paused_by, paused_at, reported_at)
                                VALUES (:tenantId, :id, :by, :since, :reportedAt)""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("by", pause.by())
                        .bind("since", Timestamps.arg(pause.since()))
                        .bind("reportedAt", Timestamps.arg(pause.reportedAt()))
                        .execute();
            }
            return before;
        });
    }

    @Override
    public Optional<AgentPause> findPause(String tenantId, String id) {
        return jdbi.withHandle(h -> findPause(h, tenantId, id));
    }

    @Override
    public List<AgentSessionPart> recordSessionParts(
            String tenantId, String id, List<AgentSessionPart> parts, Instant reportedAt) {
        return jdbi.inTransaction(h -> {
            // Locks the agent's row: a second report of the same agent (a replaced connection still
            // reading, another hub node) waits, so each diff the caller audits is against what it replaced.
            boolean known = h.createQuery("SELECT id FROM agents WHERE tenant_id = :tenantId AND id = :id FOR UPDATE")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .mapTo(String.class)
                    .findOne()
                    .isPresent();
            if (!known) {
                return List.<AgentSessionPart>of();
            }
            List<AgentSessionPart> before = findSessionParts(h, tenantId, id);
            h.createUpdate("DELETE FROM agent_session_parts WHERE tenant_id = :tenantId AND agent_id = :id")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .execute();
            for (AgentSessionPart part : parts) {
                h.createUpdate("""
                                INSERT INTO agent_session_parts
                                    (tenant_id, agent_id, user_name, session_type, since, reported_at)
                                VALUES (:tenantId, :id, :user, :type, :since, :reportedAt)""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("user", part.user())
                        .bind("type", part.type())
                        .bind("since", Timestamps.arg(part.since()))
                        .bind("reportedAt", Timestamps.arg(part.reportedAt()))
                        .execute();
            }
            h.createUpdate("DELETE FROM agent_session_reports WHERE tenant_id = :tenantId AND agent_id = :id")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .execute();
            h.createUpdate("""
                            INSERT INTO agent_session_reports (tenant_id, agent_id, reported_at)
                            VALUES (:tenantId, :id, :reportedAt)""")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .bind("reportedAt", Timestamps.arg(reportedAt))
                    .execute();
            return before;
        });
    }

    @Override
    public boolean recordSessionEvent(String tenantId, String id, AgentSessionEvent event) {
        // ON CONFLICT DO NOTHING (both databases) rather than catching a duplicate key: on PostgreSQL a
        // failed statement would abort the caller's transaction, and with it the list and the audit.
        return jdbi.inTransaction(h -> h.createUpdate("""
                                INSERT INTO agent_session_events (tenant_id, agent_id, user_name, since, event,
                                    event_at, received_at, reported_late)
                                VALUES (:tenantId, :id, :user, :since, :event, :at, :receivedAt, :late)
                                ON CONFLICT DO NOTHING""")
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("user", event.user())
                        .bind("since", Timestamps.arg(event.since()))
                        .bind("event", event.event())
                        .bind("at", Timestamps.arg(event.at()))
                        .bind("receivedAt", Timestamps.arg(event.receivedAt()))
                        .bind("late", event.reportedLate())
                        .execute()
                == 1);
    }

    @Override
    public List<AgentSessionEvent> findSessionEvents(String tenantId, String id) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM agent_session_events WHERE tenant_id = :tenantId AND agent_id = :id
                        ORDER BY received_at, event_at, user_name""")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map((rs, ctx) -> new AgentSessionEvent(
                        rs.getString("user_name"),
                        Timestamps.read(rs, "since"),
                        rs.getString("event"),
                        Timestamps.read(rs, "event_at"),
                        Timestamps.read(rs, "received_at"),
                        rs.getBoolean("reported_late")))
                .list());
    }

    @Override
    public Optional<AgentSessionReport> findSessionReport(String tenantId, String id) {
        return jdbi.withHandle(h -> {
            List<AgentSessionPart> parts = findSessionParts(h, tenantId, id);
            Optional<Instant> reportedAt = h.createQuery("""
                            SELECT reported_at FROM agent_session_reports
                            WHERE tenant_id = :tenantId AND agent_id = :id""")
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .map((rs, ctx) -> Timestamps.read(rs, "reported_at"))
                    .findOne();
            // A list stored before agent_session_reports existed has its time on each row only.
            return reportedAt
                    .or(() -> parts.stream().map(AgentSessionPart::reportedAt).max(Instant::compareTo))
                    .map(at -> new AgentSessionReport(at, parts));
        });
    }

    private static List<AgentSessionPart> findSessionParts(org.jdbi.v3.core.Handle h, String tenantId, String id) {
        return h.createQuery("""
                        SELECT * FROM agent_session_parts WHERE tenant_id = :tenantId AND agent_id = :id
                        ORDER BY user_name""")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map((rs, ctx) -> new AgentSessionPart(
                        rs.getString("user_name"),
                        rs.getString("session_type"),
                        Timestamps.read(rs, "since"),
                        Timestamps.read(rs, "reported_at")))
                .list();
    }

    private static Optional<AgentPause> findPause(org.jdbi.v3.core.Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM agent_pauses WHERE tenant_id = :tenantId AND agent_id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map((rs, ctx) -> new AgentPause(
                        rs.getString("paused_by"),
                        Timestamps.read(rs, "paused_at"),
                        Timestamps.read(rs, "reported_at")))
                .findOne();
    }

    private static Agent map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Agent(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("public_key"),
                rs.getString("hostname"),
                rs.getString("os"),
                rs.getString("arch"),
                rs.getString("agent_version"),
                LabelsJson.read(rs.getString("labels")),
                rs.getString("tools_json"),
                rs.getString("registration_token_id"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "last_seen_at"),
                Timestamps.read(rs, "revoked_at"),
                null);
    }

    @Override
    public AgentQuery.Page page(String tenantId, AgentQuery query) {
        return jdbi.withHandle(h -> AgentListing.page(h, tenantId, query));
    }

    @Override
    public AgentQuery.Facets facets(String tenantId) {
        return jdbi.withHandle(h -> AgentListing.facets(h, tenantId));
    }
}
