package io.enginex.edge.server.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditStore;
import io.enginex.edge.server.store.AuditStore.ChainHead;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A tenant's job events, for the event streams and webhooks. The source is the audit trail: a job's
 * {@code job.created}, {@code job.approved}, {@code job.denied} and {@code job.finished} events are
 * written in the same transaction as the change they record, and each hub node appends to its own
 * chain of the tenant in commit order, so an {@link EventCursor} (the last seq read of each chain)
 * names exactly what a reader has not seen, whichever node wrote it. Thread-safe (stateless).
 */
public final class JobEvents {
    /** How long after it was handed out an event id can be resumed from. */
    public static final Duration REPLAY_WINDOW = Duration.ofDays(7);

    /** The event types, as the audit trail names them. */
    public static final Set<String> TYPES = Set.of(
            AuditType.JOB_CREATED.wire(),
            AuditType.JOB_APPROVED.wire(),
            AuditType.JOB_DENIED.wire(),
            AuditType.JOB_FINISHED.wire());

    /** A cursor handed out this far ahead of the hub's clock is not this hub's (or the clock jumped). */
    private static final Duration CLOCK_SLACK = Duration.ofMinutes(5);

    private final AuditStore audit;
    private final JobStore jobs;
    private final SessionStore sessions;
    private final TenantGuard guard;
    private final ObjectMapper mapper;
    private final Clock clock;

    public JobEvents(
            AuditStore audit,
            JobStore jobs,
            SessionStore sessions,
            TenantGuard guard,
            ObjectMapper mapper,
            Clock clock) {
        this.audit = audit;
        this.jobs = jobs;
        this.sessions = sessions;
        this.guard = guard;
        this.mapper = mapper;
        this.clock = clock;
    }

    /**
     * Where a stream of {@code tenant}'s events (of one session, when {@code sessionId} is not null)
     * starts for {@code caller}: right after {@code lastEventId}, or, without one, at the events
     * written from now on.
     *
     * @throws HubException.NotFound {@code tenant_not_found}, {@code session_not_found}
     * @throws HubException.BadRequest {@code bad_last_event_id} for an id this hub did not send
     * @throws HubException.Gone {@code last_event_id_expired} for an id older than {@link #REPLAY_WINDOW}
     */
    public EventCursor open(Caller caller, String tenant, String sessionId, String lastEventId) {
        guard.check(caller, tenant);
        if (sessionId != null && sessions.find(tenant, sessionId).isEmpty()) {
            throw new HubException.NotFound("session_not_found", "tenant " + tenant + " has no session " + sessionId);
        }
        if (lastEventId == null || lastEventId.isBlank()) {
            return now(tenant);
        }
        EventCursor cursor = EventCursor.decode(lastEventId.strip());
        Instant now = clock.instant();
        if (cursor.issuedAt().isBefore(now.minus(REPLAY_WINDOW))) {
            throw new HubException.Gone(
                    "last_event_id_expired",
                    "Last-Event-ID was sent at " + cursor.issuedAt() + ", more than " + REPLAY_WINDOW.toDays()
                            + " days ago, longer than the hub replays events; reconnect without it and read the"
                            + " jobs you track with GET /api/v1/tenants/" + tenant + "/jobs/{id}");
        }
        boolean ahead = cursor.issuedAt().isAfter(now.plus(CLOCK_SLACK));
        for (ChainHead head : audit.heads(tenant)) {
            ahead |= cursor.seq(head.chain()) > head.seq();
        }
        if (ahead) {
            throw EventCursor.bad(); // positions this tenant never reached: another tenant's or hub's id
        }
        return cursor;
    }

    /** The position after every event of {@code tenant} written so far. No authorisation: for the hub's own readers. */
    public EventCursor now(String tenant) {
        EventCursor cursor = new EventCursor(clock.instant(), Map.of());
        for (ChainHead head : audit.heads(tenant)) {
            cursor = cursor.with(head.chain(), head.seq());
        }
        return cursor;
    }

    /** Events read after a cursor, and the cursor after them (past events of other sessions too). */
    public record Page(List<JobEvent> events, EventCursor cursor) {}

    /**
     * The job events of {@code tenant} after {@code from} (of session {@code sessionId} only, unless
     * null), at most {@code limit} links read per chain, oldest first. No authorisation: {@link #open}
     * did it for a stream.
     */
    public Page read(String tenant, EventCursor from, String sessionId, int limit) {
        List<AuditEvent> fresh = new ArrayList<>();
        for (ChainHead head : audit.heads(tenant)) {
            long seen = from.seq(head.chain());
            if (head.seq() > seen) {
                fresh.addAll(audit.chain(tenant, head.chain(), seen, limit));
            }
        }
        fresh.sort(Comparator.comparing(AuditEvent::at).thenComparing(AuditEvent::id));
        Instant now = clock.instant();
        EventCursor cursor = from.issuedAt(now);
        Map<String, Optional<Job>> jobsById = new HashMap<>();
        List<JobEvent> events = new ArrayList<>();
        for (AuditEvent e : fresh) {
            cursor = cursor.with(e.chain(), e.seq());
            if (!TYPES.contains(e.type()) || !"job".equals(e.targetType()) || e.targetId() == null) {
                continue;
            }
            Job job = jobsById.computeIfAbsent(e.targetId(), id -> jobs.find(tenant, id))
                    .orElse(null);
            if (job == null || (sessionId != null && !sessionId.equals(job.sessionId()))) {
                continue;
            }
            JsonNode details = details(e);
            events.add(new JobEvent(
                    e.id(),
                    e.type(),
                    e.at(),
                    tenant,
                    job.id(),
                    job.sessionId(),
                    job.agentId(),
                    job.tool(),
                    stateAfter(e.type(), details),
                    text(details, "errorCode"),
                    e.actorType(),
                    e.actorId(),
                    cursor));
        }
        return new Page(events, cursor);
    }

    /** The event as the JSON object streams and webhooks send ({@code docs/API.md}, "Job events"). */
    public static Map<String, Object> payload(JobEvent e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", e.id());
        out.put("type", e.type());
        out.put("at", e.at().toString());
        out.put("tenantId", e.tenantId());
        out.put("jobId", e.jobId());
        out.put("sessionId", e.sessionId());
        out.put("agentId", e.agentId());
        out.put("tool", e.tool());
        out.put("state", e.state());
        if (e.errorCode() != null) {
            out.put("errorCode", e.errorCode());
        }
        out.put("actor", actor(e));
        return out;
    }

    private static Map<String, Object> actor(JobEvent e) {
        Map<String, Object> actor = new LinkedHashMap<>();
        actor.put("type", e.actorType());
        actor.put("id", e.actorId());
        return actor;
    }

    private static String stateAfter(String type, JsonNode details) {
        if (type.equals(AuditType.JOB_APPROVED.wire())) {
            return "queued";
        }
        if (type.equals(AuditType.JOB_DENIED.wire())) {
            return "cancelled";
        }
        return text(details, "state");
    }

    private JsonNode details(AuditEvent e) {
        try {
            return e.detailsJson() == null ? mapper.createObjectNode() : mapper.readTree(e.detailsJson());
        } catch (JsonProcessingException ex) {
            return mapper.createObjectNode();
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() ? value.asText() : null;
    }
}
