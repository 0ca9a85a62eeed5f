package io.enginex.edge.server.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.PreparedBatch;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Jobs. Every state change is one conditional UPDATE whose WHERE clause names the states it may
 * leave, so concurrent writers (two results for one job, a result racing the deadline sweep, two
 * hub nodes) cannot both win: the database serialises them and the loser updates no row.
 */
final class JdbcJobStore implements JobStore {
    /** States a job can still leave; {@code awaiting_approval} is unfinished but never dispatched. */
    private static final String NOT_TERMINAL = "('awaiting_approval', 'queued', 'dispatched', 'running')";

    private static final String DELIVERABLE = "('queued', 'dispatched', 'running')";

    private final Jdbi jdbi;
    private final Clock clock;
    private final ObjectMapper mapper;

    JdbcJobStore(Jdbi jdbi, Clock clock, ObjectMapper mapper) {
        this.jdbi = jdbi;
        this.clock = clock;
        this.mapper = mapper;
    }

    @Override
    public Job create(Job job) {
        if (job.state() != JobState.QUEUED && job.state() != JobState.AWAITING_APPROVAL) {
            throw new IllegalArgumentException("a new job must be queued or awaiting_approval; job " + job.id() + " is "
                    + job.state().wire());
        }
        Instant createdAt = job.createdAt() == null ? clock.instant() : job.createdAt();
        SqlErrors.insert(
                "job " + job.id() + " already exists",
                () -> jdbi.useHandle(h -> h.createUpdate("""
                        INSERT INTO jobs (id, tenant_id, session_id, agent_id, tool, args_json, state, attempt,
                            created_at, deadline, dispatched_at, started_at, finished_at, last_progress_at,
                            output_json, error_code, error_message, replayed, approval_state, requested_by)
                        VALUES (:id, :tenantId, :sessionId, :agentId, :tool, :argsJson, :state, :attempt,
                            :createdAt, :deadline, :dispatchedAt, :startedAt, :finishedAt, :lastProgressAt,
                            :outputJson, :errorCode, :errorMessage, :replayed, :approvalState, :requestedBy)""")
                        .bind("id", job.id())
                        .bind("tenantId", job.tenantId())
                        .bind("sessionId", job.sessionId())
                        .bind("agentId", job.agentId())
                        .bind("tool", job.tool())
                        .bind("argsJson", job.argsJson())
                        .bind("state", job.state().wire())
                        .bind("attempt", job.attempt())
                        .bind("createdAt", Timestamps.arg(createdAt))
                        .bind("deadline", Timestamps.arg(job.deadline()))
                        .bind("dispatchedAt", Timestamps.arg(job.dispatchedAt()))
                        .bind("startedAt", Timestamps.arg(job.startedAt()))
                        .bind("finishedAt", Timestamps.arg(job.finishedAt()))
                        .bind("lastProgressAt", Timestamps.arg(job.lastProgressAt()))
                        .bind("outputJson", job.outputJson())
                        .bind("errorCode", job.errorCode())
                        .bind("errorMessage", job.errorMessage())
                        .bind("replayed", job.replayed())
                        .bind("approvalState", job.state() == JobState.AWAITING_APPROVAL ? Job.Approval.PENDING : null)
                        .bind("requestedBy", job.requestedBy())
                        .execute()));
        return new Job(
                        job.id(),
                        job.tenantId(),
                        job.sessionId(),
                        job.agentId(),
                        job.tool(),
                        job.args(),
                        job.state(),
                        job.attempt(),
                        Timestamps.truncate(createdAt),
                        Timestamps.truncate(job.deadline()),
                        Timestamps.truncate(job.dispatchedAt()),
                        Timestamps.truncate(job.startedAt()),
                        Timestamps.truncate(job.finishedAt()),
                        Timestamps.truncate(job.lastProgressAt()),
                        job.outputJson(),
                        job.errorCode(),
                        job.errorMessage(),
                        job.replayed(),
                        null,
                        null,
                        null,
                        job.requestedBy())
                .stored();
    }

    @Override
    public Optional<Job> find(String tenantId, String id) {
        return jdbi.withHandle(h -> find(h, tenantId, id));
    }

    @Override
    public List<Job> listBySession(String tenantId, String sessionId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM jobs WHERE tenant_id = :tenantId AND session_id = :sessionId
                        ORDER BY created_at, id""")
                .bind("tenantId", tenantId)
                .bind("sessionId", sessionId)
                .map(this::map)
                .list());
    }

    @Override
    public List<Job> listUnfinished(String tenantId, String agentId) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM jobs WHERE tenant_id = :tenantId AND agent_id = :agentId
                          AND state IN %s
                        ORDER BY created_at, id""".formatted(DELIVERABLE))
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .map(this::map)
                .list());
    }

    @Override
    public List<Job> listQueued(Instant createdBefore, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM jobs WHERE state = 'queued' AND created_at < :createdBefore
                        ORDER BY created_at, id LIMIT :limit""")
                .bind("createdBefore", Timestamps.arg(createdBefore))
                .bind("limit", limit)
                .map(this::map)
                .list());
    }

    @Override
    public List<Job> listByAgent(String tenantId, String agentId, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM jobs WHERE tenant_id = :tenantId AND agent_id = :agentId
                        ORDER BY created_at DESC, id DESC LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("agentId", agentId)
                .bind("limit", limit)
                .map(this::map)
                .list());
    }

    @Override
    public int markDelivered(List<Delivery> deliveries) {
        if (deliveries.isEmpty()) {
            return 0;
        }
        return jdbi.withHandle(h -> {
            PreparedBatch batch = h.prepareBatch("""
                    UPDATE jobs SET
                        state = CASE WHEN :acked OR state = 'running' THEN 'running' ELSE 'dispatched' END,
                        attempt = GREATEST(attempt + 1, :attempt), dispatched_at = :sentAt,
                        started_at = COALESCE(started_at, :ackedAt),
                        last_progress_at = COALESCE(:lastSeen, last_progress_at)
                    WHERE tenant_id = :tenantId AND id = :id AND state IN %s""".formatted(DELIVERABLE));
            for (Delivery d : deliveries) {
                boolean acked = d.ackedAt() != null;
                batch.bind("tenantId", d.tenantId())
                        .bind("id", d.id())
                        .bind("acked", acked)
                        .bind("attempt", d.attempt())
                        .bind("sentAt", Timestamps.arg(d.sentAt()))
                        .bind("ackedAt", Timestamps.arg(d.ackedAt()))
                        .bind("lastSeen", Timestamps.arg(acked ? d.lastSeen() : null))
                        .add();
            }
            return IntStream.of(batch.execute()).sum();
        });
    }

    @Override
    public void markRunning(String tenantId, String id, String agentId, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE jobs SET state = 'running', started_at = COALESCE(started_at, :now),
                            last_progress_at = :now
                        WHERE tenant_id = :tenantId AND id = :id AND agent_id = :agentId
                          AND state IN ('queued', 'dispatched')""")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .bind("agentId", agentId)
                .bind("now", Timestamps.arg(now))
                .execute());
    }

    @Override
    public void markProgress(String tenantId, String id, String agentId, Instant now) {
        jdbi.useHandle(h -> h.createUpdate("""
                        UPDATE jobs SET last_progress_at = :now
                        WHERE tenant_id = :tenantId AND id = :id AND agent_id = :agentId AND state IN %s""".formatted(DELIVERABLE))
                .bind("tenantId", tenantId)
                .bind("id", id)
                .bind("agentId", agentId)
                .bind("now", Timestamps.arg(now))
                .execute());
    }

    /**
     * {@code started_at} keeps the hub's own value when it has one (set on ack); the outcome's (also the
     * hub's clock) is used otherwise. A null {@code finishedAt} means now. The device's times are stored
     * apart, as reported.
     */
    @Override
    public boolean complete(String tenantId, String id, String agentId, Outcome outcome) {
        Instant finishedAt = outcome.finishedAt() == null ? clock.instant() : outcome.finishedAt();
        return jdbi.withHandle(h -> h.createUpdate("""
                                UPDATE jobs SET state = :state, output_json = :outputJson, error_code = :errorCode,
                                    error_message = :errorMessage, started_at = COALESCE(started_at, :startedAt),
                                    finished_at = :finishedAt, replayed = :replayed,
                                    dispatched_at = COALESCE(dispatched_at, :dispatchedAt),
                                    attempt = GREATEST(attempt, :attempt),
                                    device_started_at = :deviceStartedAt, device_finished_at = :deviceFinishedAt,
                                    consent_json = :consentJson
                                WHERE tenant_id = :tenantId AND id = :id AND agent_id = :agentId
                                  AND state IN %s""".formatted(NOT_TERMINAL))
                        .bind("tenantId", tenantId)
                        .bind("id", id)
                        .bind("agentId", agentId)
                        .bind("state", outcome.state().wire())
                        .bind("outputJson", outcome.outputJson())
                        .bind("errorCode", outcome.errorCode())
                        .bind("errorMessage", outcome.errorMessage())
                        .bind("startedAt", Timestamps.arg(outcome.startedAt()))
                        .bind("finishedAt", Timestamps.arg(finishedAt))
                        .bind("replayed", outcome.replayed())
                        .bind("consentJson", outcome.consentJson())
                        .bind(
                                "dispatchedAt",
                                Timestamps.arg(
                                        outcome.delivery() == null
                                                ? null
                                                : outcome.delivery().sentAt()))
                        .bind(
                                "attempt",
                                outcome.delivery() == null
                                        ? 0
                                        : Math.max(1, outcome.delivery().attempt()))
                        .bind(
                                "deviceStartedAt",
                                Timestamps.arg(
                                        outcome.device() == null
                                                ? null
                                                : outcome.device().startedAt()))
                        .bind(
                                "deviceFinishedAt",
                                Timestamps.arg(
                                        outcome.device() == null
                                                ? null
                                                : outcome.device().finishedAt()))
                        .execute())
                == 1;
    }

    /** Mirrors the UPDATE of {@link #complete}, column by column, at the database's precision. */
    @Override
    public Job completed(Job before, Outcome outcome) {
        if (outcome.finishedAt() == null) {
            throw new IllegalArgumentException(
                    "an outcome without finishedAt is timed by complete itself; read the job");
        }
        Delivery delivery = outcome.delivery();
        return new Job(
                before.id(),
                before.tenantId(),
                before.sessionId(),
                before.agentId(),
                before.tool(),
                before.args(),
                outcome.state(),
                delivery == null ? before.attempt() : Math.max(before.attempt(), Math.max(1, delivery.attempt())),
                before.createdAt(),
                before.deadline(),
                before.dispatchedAt() != null || delivery == null
                        ? before.dispatchedAt()
                        : Timestamps.truncate(delivery.sentAt()),
                before.startedAt() != null ? before.startedAt() : Timestamps.truncate(outcome.startedAt()),
                Timestamps.truncate(outcome.finishedAt()),
                before.lastProgressAt(),
                outcome.outputJson(),
                outcome.errorCode(),
                outcome.errorMessage(),
                outcome.replayed(),
                before.approval(),
                outcome.device() == null
                        ? null
                        : Job.DeviceTimes.of(
                                Timestamps.truncate(outcome.device().startedAt()),
                                Timestamps.truncate(outcome.device().finishedAt())),
                outcome.consentJson(),
                before.requestedBy());
    }

    @Override
    public Optional<Job> approve(String tenantId, String id, String by, String reason, Instant now) {
        return decide(tenantId, id, """
                UPDATE jobs SET state = 'queued', approval_state = 'approved', approval_by = :by,
                    approval_at = :now, approval_reason = :reason
                WHERE tenant_id = :tenantId AND id = :id AND state = 'awaiting_approval'""", by, reason, now);
    }

    @Override
    public Optional<Job> deny(String tenantId, String id, String by, String reason, Instant now) {
        return decide(tenantId, id, """
                UPDATE jobs SET state = 'cancelled', approval_state = 'denied', approval_by = :by,
                    approval_at = :now, approval_reason = :reason, error_code = 'approval_denied',
                    error_message = :message, finished_at = :now
                WHERE tenant_id = :tenantId AND id = :id AND state = 'awaiting_approval'""", by, reason, now);
    }

    private Optional<Job> decide(String tenantId, String id, String sql, String by, String reason, Instant now) {
        String message = "denied by " + by + (reason == null || reason.isBlank() ? "" : ": " + reason);
        return jdbi.inTransaction(h -> {
            var update = h.createUpdate(sql)
                    .bind("tenantId", tenantId)
                    .bind("id", id)
                    .bind("by", by)
                    .bind("reason", reason)
                    .bind("now", Timestamps.arg(now));
            if (sql.contains(":message")) {
                update.bind("message", message);
            }
            return update.execute() == 1 ? find(h, tenantId, id) : Optional.<Job>empty();
        });
    }

    @Override
    public List<Job> listByState(String tenantId, JobState state, int limit) {
        return jdbi.withHandle(h -> h.createQuery("""
                        SELECT * FROM jobs WHERE tenant_id = :tenantId AND state = :state
                        ORDER BY created_at DESC, id DESC LIMIT :limit""")
                .bind("tenantId", tenantId)
                .bind("state", state.wire())
                .bind("limit", limit)
                .map(this::map)
                .list());
    }

    /**
     * Not tenant-scoped: a sweep over all tenants. A job whose deadline is at or before {@code now}
     * is timed out. Each candidate is claimed by its own conditional UPDATE, so a result arriving
     * meanwhile, or another hub node sweeping at the same time, is never overwritten or reported twice.
     */
    @Override
    public List<Job> expire(Instant now) {
        return jdbi.inTransaction(h -> {
            List<Job> candidates = h.createQuery("""
                            SELECT * FROM jobs WHERE state IN %s AND deadline <= :now
                            ORDER BY deadline, id""".formatted(NOT_TERMINAL))
                    .bind("now", Timestamps.arg(now))
                    .map(this::map)
                    .list();
            List<Job> expired = new ArrayList<>();
            for (Job job : candidates) {
                int updated = h.createUpdate("""
                                UPDATE jobs SET state = 'timed_out', error_code = 'deadline_exceeded',
                                    error_message = :message, finished_at = :now
                                WHERE tenant_id = :tenantId AND id = :id AND state IN %s AND deadline <= :now""".formatted(NOT_TERMINAL))
                        .bind("tenantId", job.tenantId())
                        .bind("id", job.id())
                        .bind("message", "the job did not finish before its deadline " + job.deadline())
                        .bind("now", Timestamps.arg(now))
                        .execute();
                if (updated == 1) {
                    find(h, job.tenantId(), job.id()).ifPresent(expired::add);
                }
            }
            return List.copyOf(expired);
        });
    }

    private Optional<Job> find(Handle h, String tenantId, String id) {
        return h.createQuery("SELECT * FROM jobs WHERE tenant_id = :tenantId AND id = :id")
                .bind("tenantId", tenantId)
                .bind("id", id)
                .map(this::map)
                .findOne();
    }

    private Job map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new Job(
                rs.getString("id"),
                rs.getString("tenant_id"),
                rs.getString("session_id"),
                rs.getString("agent_id"),
                rs.getString("tool"),
                args(rs.getString("args_json")),
                JobState.fromWire(rs.getString("state")),
                rs.getInt("attempt"),
                Timestamps.read(rs, "created_at"),
                Timestamps.read(rs, "deadline"),
                Timestamps.read(rs, "dispatched_at"),
                Timestamps.read(rs, "started_at"),
                Timestamps.read(rs, "finished_at"),
                Timestamps.read(rs, "last_progress_at"),
                rs.getString("output_json"),
                rs.getString("error_code"),
                rs.getString("error_message"),
                rs.getBoolean("replayed"),
                rs.getString("approval_state") == null
                        ? null
                        : new Job.Approval(
                                rs.getString("approval_state"),
                                rs.getString("approval_by"),
                                Timestamps.read(rs, "approval_at"),
                                rs.getString("approval_reason")),
                Job.DeviceTimes.of(Timestamps.read(rs, "device_started_at"), Timestamps.read(rs, "device_finished_at")),
                rs.getString("consent_json"),
                rs.getString("requested_by"));
    }

    /** The stored arguments; text that is not JSON (written by hand) as a text node, so it can be shown. */
    private JsonNode args(String json) {
        try {
            return json == null ? mapper.createObjectNode() : mapper.readTree(json);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(json);
        }
    }
}
