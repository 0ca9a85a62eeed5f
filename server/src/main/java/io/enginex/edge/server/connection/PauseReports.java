package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Pause;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentStore;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps what an agent reports about its pause (in {@code hello} and {@code state} frames): stores it
 * so every hub node's dispatch and API see it, and audits each change (paused, resumed) with the
 * agent as actor and the person it names. A report that changes nothing (the same pause again after
 * a reconnect) is stored but not audited again. Also keeps the users' session parts a {@code state}
 * frame lists (stored, not audited: they come and go with every login). Thread-safe; called on the
 * socket's reading thread.
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

    /** Replaces the session parts the agent said are connected to its service. */
    void sessionParts(AgentConnection connection, java.util.List<io.enginex.edge.protocol.SessionPart> parts) {
        java.time.Instant now = clock.instant();
        agents.recordSessionParts(
                connection.tenantId(),
                connection.agentId(),
                parts.stream()
                        .map(p -> new io.enginex.edge.server.store.AgentSessionPart(p.user(), p.type(), p.since(), now))
                        .toList(),
                now);
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
