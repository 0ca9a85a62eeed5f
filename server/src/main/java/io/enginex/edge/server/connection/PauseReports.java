package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Pause;
import io.enginex.edge.protocol.SessionEvent;
import io.enginex.edge.protocol.SessionPart;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentSessionEvent;
import io.enginex.edge.server.store.AgentSessionPart;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Transactions;
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
 * a reconnect) is stored but not audited again; the pause and its audit event commit in one
 * transaction. Also keeps the users' session parts a {@code state}
 * frame lists, with the time the hub received the list, and audits each change from the list stored
 * before ({@code agent-session.started} / {@code agent-session.ended}, {@link SessionPartChanges}); the
 * same list again (each reconnect re-sends it) is stored with its new time but not audited. A change
 * the agent saw while offline arrives as a {@link SessionEvent} with its own time and is audited with
 * {@code reportedLate}; one the agent did not record (an older agent) is audited when it reconnects and
 * reports, at that time, with the time of the last report that still listed the part. Each part's start
 * and end is audited once ({@link AgentStore#recordSessionEvent}), in the transaction that stores the
 * list. Thread-safe; called on the socket's reading thread.
 */
public final class PauseReports {
    private static final Logger log = LoggerFactory.getLogger(PauseReports.class);

    private final AgentStore agents;
    private final Audit audit;
    private final Clock clock;
    private final Transactions tx;

    public PauseReports(AgentStore agents, Audit audit, Clock clock, Transactions tx) {
        this.agents = agents;
        this.audit = audit;
        this.clock = clock;
        this.tx = tx;
    }

    /**
     * Replaces the session parts the agent said are connected to its service (when {@code parts} is not
     * null), records the events it saw while offline ({@code events}), and audits each event and each
     * change between the list stored before and this one, once per part and event: an offline event
     * first (with its own time, {@code reportedLate}), so the same change seen again in the list is not
     * audited twice. The list, the events and their audit events commit in one transaction, so a crash
     * between them loses none without the others.
     *
     * @param events the frame's {@code sessionEvents}; empty when it had none
     * @return the events the hub now has (all of {@code events}), for the agent's {@code sessionEventsAck}
     */
    List<SessionEvent> sessionParts(AgentConnection connection, List<SessionPart> parts, List<SessionEvent> events) {
        Instant now = clock.instant();
        return tx.inTransaction(() -> {
            List<AgentSessionPart> before = List.of();
            List<AgentSessionPart> after = null;
            if (parts != null) {
                // Stored to the microsecond (both databases), so a repeated report compares equal to what it repeats.
                after = parts.stream()
                        .map(p -> new AgentSessionPart(p.user(), p.type(), micros(p.since()), now))
                        .toList();
                before = agents.recordSessionParts(connection.tenantId(), connection.agentId(), after, now);
            }
            for (SessionEvent event : events) {
                AgentSessionEvent stored = new AgentSessionEvent(
                        event.user(), micros(event.since()), event.event(), micros(event.at()), now, true);
                auditOnce(connection, stored, new AgentSessionPart(event.user(), event.type(), stored.since(), now));
            }
            if (after != null) {
                SessionPartChanges changes = SessionPartChanges.between(before, after);
                for (AgentSessionPart ended : changes.ended()) {
                    auditOnce(
                            connection,
                            new AgentSessionEvent(ended.user(), ended.since(), SessionEvent.ENDED, now, now, false),
                            ended);
                }
                for (AgentSessionPart started : changes.started()) {
                    auditOnce(
                            connection,
                            new AgentSessionEvent(
                                    started.user(), started.since(), SessionEvent.STARTED, started.since(), now, false),
                            started);
                }
            }
            return events;
        });
    }

    /**
     * Records {@code event} of {@code part} and audits it, unless this part's start or end was recorded
     * before (a resend, or a late event the list already showed).
     */
    private void auditOnce(AgentConnection connection, AgentSessionEvent event, AgentSessionPart part) {
        if (agents.recordSessionEvent(connection.tenantId(), connection.agentId(), event)) {
            auditSessionPart(
                    connection,
                    SessionEvent.STARTED.equals(event.event())
                            ? AuditType.AGENT_SESSION_STARTED
                            : AuditType.AGENT_SESSION_ENDED,
                    part,
                    event.reportedLate() ? event : null);
        }
    }

    private static Instant micros(Instant at) {
        return at.truncatedTo(ChronoUnit.MICROS);
    }

    /** @param late the offline event it came from, or null when it is a change between two lists */
    private void auditSessionPart(
            AgentConnection connection, AuditType type, AgentSessionPart part, AgentSessionEvent late) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("agentId", connection.agentId());
        details.put("user", part.user());
        details.put("sessionType", part.type());
        details.put("since", part.since().toString());
        if (late != null) {
            // The agent's time, kept apart from the hub's (the event's own time, when it was received).
            details.put("at", late.at().toString());
            details.put("reportedLate", true);
        } else if (type == AuditType.AGENT_SESSION_ENDED) {
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
                .addKeyValue("reportedLate", late != null)
                .log(
                        type == AuditType.AGENT_SESSION_STARTED
                                ? "a user's session part connected to the agent"
                                : "a user's session part left the agent");
    }

    /** @param pause what the agent reported; null means it takes jobs */
    void report(AgentConnection connection, Pause pause) {
        // The pause and its audit event commit together, as the session parts and theirs do.
        tx.run(() -> recordPause(connection, pause));
    }

    private void recordPause(AgentConnection connection, Pause pause) {
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
