package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Pause;
import io.enginex.edge.protocol.SessionPart;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentSessionPart;
import io.enginex.edge.server.store.AgentStore;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what an agent reports about its pause (in {@code hello} and {@code state} frames): stores it
 * so every hub node's dispatch and API see it, and audits each change (paused, resumed) with the
 * agent as actor and the person it names. A report that changes nothing (the same pause again after
 * a reconnect) is stored but not audited again. Also keeps the users' session parts a {@code state}
 * frame lists, with the time the hub received the list, and audits each change from the list stored
 * before ({@code agent-session.started} / {@code agent-session.ended}, {@link SessionPartChanges}); the
 * same list again (each reconnect re-sends it) is stored with its new time but not audited. A change
 * the agent could not report while offline is audited when it reconnects and reports, at that time,
 * with the time of the last report that still listed the part. Thread-safe; called on the socket's
 * reading thread.
 */
public final class PauseReports {
    private static final Logger log = LoggerFactory.getLogger(PauseReports.class);

    private final AgentStore agents;
    private final Audit audit;
    private final Clock clock;

    public PauseReports(AgentStore agents, Audit audit, Clock clock) {
        this.agents = agents;
        this.audit = audit;
        this.clock = clock;
    }

    /** Replaces the session parts the agent said are connected to its service, and audits each change. */
    void sessionParts(AgentConnection connection, List<SessionPart> parts) {
        Instant now = clock.instant();
        // Stored to the microsecond (both databases), so a repeated report compares equal to what it repeats.
        List<AgentSessionPart> after = parts.stream()
                .map(p -> new AgentSessionPart(p.user(), p.type(), p.since().truncatedTo(ChronoUnit.MICROS), now))
                .toList();
        List<AgentSessionPart> before =
                agents.recordSessionParts(connection.tenantId(), connection.agentId(), after, now);
        SessionPartChanges changes = SessionPartChanges.between(before, after);
        for (AgentSessionPart ended : changes.ended()) {
            auditSessionPart(connection, AuditType.AGENT_SESSION_ENDED, ended);
        }
        for (AgentSessionPart started : changes.started()) {
            auditSessionPart(connection, AuditType.AGENT_SESSION_STARTED, started);
        }
    }

    private void auditSessionPart(AgentConnection connection, AuditType type, AgentSessionPart part) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("agentId", connection.agentId());
        details.put("user", part.user());
        details.put("sessionType", part.type());
        details.put("since", part.since().toString());
        if (type == AuditType.AGENT_SESSION_ENDED) {
            // The agent tells only who is connected now: the part ended after the last report that listed it.
            details.put("lastReportedAt", part.reportedAt().toString());
        }
        audit.record(
                connection.tenantId(),
                type,
                Actor.agent(connection.agentId()),
                connection.remoteAddress(),
                new Audit.Target("agent", connection.agentId()),
                Audit.Outcome.SUCCESS,
                details);
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("tenant", connection.tenantId())
                .addKeyValue("user", part.user())
                .addKeyValue("sessionType", part.type())
                .log(
                        type == AuditType.AGENT_SESSION_STARTED
                                ? "a user's session part connected to the agent"
                                : "a user's session part left the agent");
    }

    /** @param pause what the agent reported; null means it takes jobs */
    void report(AgentConnection connection, Pause pause) {
        AgentPause now = pause == null ? null : new AgentPause(pause.by(), pause.since(), clock.instant());
        Optional<AgentPause> before = agents.recordPause(connection.tenantId(), connection.agentId(), now);
        boolean changed = now == null
                ? before.isPresent()
                : before.map(b -> !b.by().equals(now.by()) || !b.since().equals(now.since()))
                        .orElse(true);
        if (!changed) {
            return;
        }
        AgentPause shown = now != null ? now : before.get();
        audit.record(
                connection.tenantId(),
                now != null ? AuditType.AGENT_PAUSED : AuditType.AGENT_RESUMED,
                Actor.agent(connection.agentId()),
                connection.remoteAddress(),
                new Audit.Target("agent", connection.agentId()),
                Audit.Outcome.SUCCESS,
                now != null
                        ? Map.of("by", shown.by(), "since", shown.since().toString())
                        : Map.of(
                                "pausedBy",
                                shown.by(),
                                "pausedSince",
                                shown.since().toString()));
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("tenant", connection.tenantId())
                .addKeyValue("by", shown.by())
                .log(now != null ? "agent paused by the person at its machine" : "agent resumed");
    }
}
