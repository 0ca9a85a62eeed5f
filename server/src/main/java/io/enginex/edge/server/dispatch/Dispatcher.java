package io.enginex.edge.server.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageTypes;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.AgentListener;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.GroupCommit;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.JobStore.Delivery;
import io.enginex.edge.server.store.JobStore.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable dispatch: a job is written before it is sent (by {@link io.enginex.edge.server.job.Jobs}),
 * handed to {@link Deliveries} (which sends it at once if its agent is connected here, and again
 * after every hello until it finishes), and its outcome recorded from the agent's frames: the first
 * outcome wins. A job whose tool (or {@code exec} command template) the agent announced as
 * approval-required waits in AWAITING_APPROVAL, unsent, until {@link #approve} (then it is sent with
 * {@code approvedBy}) or {@link #deny}; its deadline keeps running. Thread-safe.
 */
public final class Dispatcher implements AgentListener {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final JobStore jobs;
    private final GroupCommit writes;
    private final Deliveries deliveries;
    private final JobWaiters waiters;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Audit audit;
    private final RepeatedLog repeats;

    /**
     * @param writes where what the agent reports (ack, progress, result) is written: the agent's
     *     socket reader hands it over and goes on reading
     * @param audit records each job's end ({@code job.finished}) in the transaction that ends it
     */
    public Dispatcher(
            JobStore jobs,
            GroupCommit writes,
            Deliveries deliveries,
            JobWaiters waiters,
            DispatchMetrics metrics,
            Clock clock,
            ObjectMapper mapper,
            Audit audit) {
        this.jobs = jobs;
        this.writes = writes;
        this.deliveries = deliveries;
        this.waiters = waiters;
        this.metrics = metrics;
        this.clock = clock;
        this.mapper = mapper;
        this.audit = audit;
        this.repeats = new RepeatedLog(clock, Duration.ofMinutes(1));
    }

    /**
     * After a job made by {@link io.enginex.edge.server.job.JobFactory} is committed: counts it, and sends it if it is queued and
     * its agent is connected to this node (else the agent's next hello, or another node, sends it).
     *
     * @return the job as it is now (dispatched when it was sent)
     */
    public Job send(Job job) {
        metrics.created();
        if (job.state() == JobState.FAILED) { // refused: its agent is paused
            metrics.completed(job.tenantId(), JobState.FAILED, null);
            waiters.finished(job.tenantId(), job.id());
            return job;
        }
        log.atInfo()
                .addKeyValue("jobId", job.id())
                .addKeyValue("agentId", job.agentId())
                .addKeyValue("tool", job.tool())
                .addKeyValue("state", job.state().wire())
                .log("job created");
        if (job.state() == JobState.QUEUED) {
            return deliveries.offer(job).orElse(job);
        }
        return job;
    }

    /**
     * A retried create of {@code jobId} was answered from its {@code Idempotency-Key}: sends the job if
     * it is still queued, as {@link #send} would have. The node that made it may have died between the
     * commit and the send, and then only the agent's next hello or the cluster sweep would send it. Safe
     * to repeat: a socket sends a job at most once, and the agent runs a job id at most once.
     */
    public void resend(String tenantId, String jobId) {
        jobs.find(tenantId, jobId).filter(job -> job.state() == JobState.QUEUED).ifPresent(job -> {
            log.atInfo()
                    .addKeyValue("jobId", job.id())
                    .addKeyValue("agentId", job.agentId())
                    .log("retried create of a queued job; offering it again");
            deliveries.offer(job);
        });
    }

    /**
     * Approves a job awaiting approval: it becomes QUEUED and is sent (with {@code approvedBy}) at once
     * if its agent is connected here, else after the agent's next hello.
     *
     * @throws HubException.NotFound {@code job_not_found}
     * @throws HubException.Conflict {@code job_not_awaiting_approval} when it was decided already,
     *     timed out or never needed approval
     */
    public Job approve(String tenantId, String jobId, String by, String reason) {
        Job job = jobs.approve(tenantId, jobId, by, reason, clock.instant())
                .orElseThrow(() -> notAwaiting(tenantId, jobId));
        log.atInfo().addKeyValue("jobId", jobId).addKeyValue("by", by).log("job approved");
        return deliveries.offer(job).orElse(job);
    }

    /**
     * Denies a job awaiting approval: it ends CANCELLED with error code {@code approval_denied} and is
     * never sent.
     *
     * @throws HubException.NotFound {@code job_not_found}
     * @throws HubException.Conflict {@code job_not_awaiting_approval}
     */
    public Job deny(String tenantId, String jobId, String by, String reason) {
        Job job =
                jobs.deny(tenantId, jobId, by, reason, clock.instant()).orElseThrow(() -> notAwaiting(tenantId, jobId));
        metrics.completed(tenantId, job.state(), null);
        waiters.finished(tenantId, jobId);
        log.atInfo().addKeyValue("jobId", jobId).addKeyValue("by", by).log("job denied");
        return job;
    }

    private HubException notAwaiting(String tenantId, String jobId) {
        return jobs.find(tenantId, jobId)
                .<HubException>map(j -> new HubException.Conflict(
                        "job_not_awaiting_approval",
                        "job " + jobId + " is " + j.state().wire()
                                + (j.approval() == null
                                        ? " and never needed approval"
                                        : ", not awaiting approval (approval "
                                                + j.approval().state() + ")")
                                + "; only awaiting_approval jobs can be approved or denied"))
                .orElseGet(() ->
                        new HubException.NotFound("job_not_found", "tenant " + tenantId + " has no job " + jobId));
    }

    @Override
    public void onReady(AgentConnection connection) {
        deliveries.redeliver(connection);
    }

    @Override
    public void onUnavailable(AgentConnection connection) {
        deliveries.resendWhenBack(connection);
    }

    @Override
    public void onAck(AgentConnection connection, Ack ack) {
        if (!deliveries.acked(connection, ack.jobId())) {
            return; // recorded with the job's delivery mark or its result
        }
        Instant now = clock.instant();
        write(connection, ack, () -> {
            jobs.markRunning(connection.tenantId(), ack.jobId(), connection.agentId(), now);
            return null;
        });
    }

    @Override
    public void onProgress(AgentConnection connection, Progress progress) {
        if (!deliveries.alive(connection, progress.jobId())) {
            return; // recorded with the job's delivery mark
        }
        Instant now = clock.instant();
        write(connection, progress, () -> {
            jobs.markProgress(connection.tenantId(), progress.jobId(), connection.agentId(), now);
            return null;
        });
    }

    /**
     * Hands a write of the agent's {@code frame} to the group commit. When the database is unavailable
     * the frame is answered {@code unavailable} and the socket owes a full resend: the agent answers
     * again from its journal once the database is back.
     */
    private <T> CompletableFuture<T> write(AgentConnection connection, Message frame, Supplier<T> work) {
        return writes.submit(work).whenComplete((done, failure) -> {
            if (failure == null) {
                return;
            }
            if (DatabaseFailures.isUnavailable(failure)) {
                deliveries.resendWhenBack(connection);
                connection.send(new ErrorFrame(
                        connection.nextFrameId(),
                        ErrorCodes.UNAVAILABLE,
                        "the hub's database is unavailable, so this " + MessageTypes.of(frame)
                                + " frame was not stored; the hub resends the job when the database is back",
                        frame.id()));
            }
            repeats.admit("agent report not stored")
                    .ifPresent(silenced -> log.atWarn()
                            .addKeyValue("agentId", connection.agentId())
                            .addKeyValue("reason", failure.toString())
                            .log(repeats.describe(
                                    "cannot store what an agent reported; its unfinished jobs are sent again when"
                                            + " the database answers, and it answers them from its journal",
                                    silenced)));
        });
    }

    /**
     * Hands the outcome to the group commit and goes on reading: once it is committed the job counts
     * as finished, waiters wake and the line is logged.
     */
    @Override
    public void onResult(AgentConnection connection, Result result) {
        // The hub's clock decides when the job was sent, started (acknowledged, else now) and finished:
        // the agent's clock may be off by any amount, so what it reports is kept apart as the device's.
        Instant now = clock.instant();
        Delivery answered = deliveries.answered(connection, result.jobId());
        Instant sentAt = answered == null ? null : answered.sentAt();
        Delivery delivery = answered != null ? answered : Delivery.sent(connection.tenantId(), result.jobId(), now);
        Instant startedAt = delivery.ackedAt() != null ? delivery.ackedAt() : now;
        Job.DeviceTimes device = Job.DeviceTimes.of(result.startedAt(), result.finishedAt());
        JsonNode consent = consent(result.consent());
        String consentJson = consent == null ? null : write(consent);
        Outcome outcome = result.ok()
                ? new Outcome(
                        JobState.SUCCEEDED,
                        write(result.output()),
                        null,
                        null,
                        startedAt,
                        now,
                        result.replayed(),
                        device,
                        delivery,
                        consentJson)
                : new Outcome(
                        stateOf(result.error().code()),
                        null,
                        result.error().code(),
                        result.error().message(),
                        startedAt,
                        now,
                        result.replayed(),
                        device,
                        delivery,
                        consentJson);
        write(connection, result, () -> {
                    boolean first = jobs.complete(connection.tenantId(), result.jobId(), connection.agentId(), outcome);
                    if (first) {
                        audit.jobFinished(
                                connection.tenantId(),
                                result.jobId(),
                                Actor.agent(connection.agentId()),
                                outcome.state(),
                                outcome.errorCode());
                        if (consent != null) {
                            audit.consentAnswered(
                                    connection.tenantId(), result.jobId(), Actor.agent(connection.agentId()), consent);
                        }
                    }
                    return first;
                })
                .thenAccept(first -> {
                    if (first) {
                        finished(connection, result, outcome, sentAt);
                    } else {
                        log.atDebug()
                                .addKeyValue("jobId", result.jobId())
                                .addKeyValue("agentId", connection.agentId())
                                .log("result ignored: the job is finished already, or not this agent's");
                    }
                });
    }

    private void finished(AgentConnection connection, Result result, Outcome outcome, Instant sentAt) {
        Duration latency = sentAt == null ? null : Duration.between(sentAt, outcome.finishedAt());
        metrics.completed(connection.tenantId(), outcome.state(), latency);
        waiters.finished(connection.tenantId(), result.jobId(), outcome);
        log.atInfo()
                .addKeyValue("jobId", result.jobId())
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("state", outcome.state().wire())
                .addKeyValue("replayed", result.replayed())
                .log("job finished");
    }

    /**
     * The known text fields of a result's {@code consent} (PROTOCOL.md), or null when it has none; the
     * same for a graph step record's.
     */
    public static JsonNode consent(JsonNode reported) {
        if (reported == null || !reported.isObject()) {
            return null;
        }
        com.fasterxml.jackson.databind.node.ObjectNode kept =
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        for (String field : io.enginex.edge.server.audit.Audit.CONSENT_FIELDS) {
            JsonNode value = reported.get(field);
            if (value != null && value.isTextual()) {
                kept.put(field, value.textValue());
            }
        }
        return kept.isEmpty() ? null : kept;
    }

    static JobState stateOf(String errorCode) {
        return switch (errorCode) {
            case ErrorCodes.CANCELLED -> JobState.CANCELLED;
            case ErrorCodes.DEADLINE_EXCEEDED -> JobState.TIMED_OUT;
            default -> JobState.FAILED;
        };
    }

    private String write(JsonNode node) {
        try {
            return mapper.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }
}
