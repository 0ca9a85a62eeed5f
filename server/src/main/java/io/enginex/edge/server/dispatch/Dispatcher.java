package io.enginex.edge.server.dispatch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.AgentListener;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.JobStore.Outcome;
import io.enginex.edge.server.store.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable dispatch: a job is written before it is sent, sent at once if its agent is connected here,
 * and re-sent (attempt + 1) after every hello until it finishes. The first outcome wins. A job whose
 * tool (or {@code exec} command template) the agent announced as approval-required waits in
 * AWAITING_APPROVAL, unsent, until {@link #approve} (then it is sent with {@code approvedBy}) or
 * {@link #deny}; its deadline keeps running. Thread-safe.
 */
public final class Dispatcher implements AgentListener {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final JobStore jobs;
    private final AgentStore agents;
    private final SessionStore sessions;
    private final ConnectionRegistry registry;
    private final JobWaiters waiters;
    private final DispatchMetrics metrics;
    private final IdGenerator ids;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final TenantPolicies policies;
    private final Audit audit;

    /**
     * @param policies the tenant policies, for the approval rules the hub knows itself
     * @param audit where {@code job.created} is recorded
     */
    public Dispatcher(
            JobStore jobs,
            AgentStore agents,
            SessionStore sessions,
            ConnectionRegistry registry,
            JobWaiters waiters,
            DispatchMetrics metrics,
            IdGenerator ids,
            Clock clock,
            ObjectMapper mapper,
            TenantPolicies policies,
            Audit audit) {
        this.policies = policies;
        this.audit = audit;
        this.jobs = jobs;
        this.agents = agents;
        this.sessions = sessions;
        this.registry = registry;
        this.waiters = waiters;
        this.metrics = metrics;
        this.ids = ids;
        this.clock = clock;
        this.mapper = mapper;
    }

    /**
     * Writes a job and sends it if its agent is connected to this node: {@link #write} then {@link
     * #send}.
     *
     * @param creator who asks for the job: the user, or the API key of the runtime or a script
     *
     * @throws HubException.NotFound {@code session_not_found}, {@code agent_not_found}
     * @throws HubException.Conflict {@code agent_revoked}
     * @throws HubException.BadRequest {@code unknown_tool}, {@code bad_request}
     * @return the job; already FAILED with {@code agent_paused} when the agent is paused
     */
    public Job create(Actor creator, String tenantId, String sessionId, JobRequest request) {
        return send(write(creator, tenantId, sessionId, request));
    }

    /**
     * Validates and writes a job, touching nothing but the database, so it can run inside a caller's
     * transaction (an idempotent create writes its key with it). A job for a paused agent is written
     * already FAILED with {@code agent_paused}. Records {@code job.created} naming {@code creator} in
     * the tenant's audit trail (the one place jobs are made). Call {@link #send} after commit.
     *
     * @throws HubException.NotFound {@code session_not_found}, {@code agent_not_found}
     * @throws HubException.Conflict {@code agent_revoked}
     * @throws HubException.BadRequest {@code unknown_tool}, {@code bad_request}
     */
    public Job write(Actor creator, String tenantId, String sessionId, JobRequest request) {
        if (sessions.find(tenantId, sessionId).isEmpty()) {
            throw new HubException.NotFound("session_not_found", "tenant " + tenantId + " has no session " + sessionId);
        }
        if (request.agentId() == null || request.agentId().isBlank()) {
            throw new HubException.BadRequest("agentId is required");
        }
        Agent agent = agents.find(tenantId, request.agentId())
                .orElseThrow(() -> new HubException.NotFound(
                        "agent_not_found",
                        "tenant " + tenantId
                                + " has no agent " + request.agentId() + "; list agents with GET /api/v1/tenants/"
                                + tenantId + "/agents"));
        if (agent.revoked()) {
            throw new HubException.Conflict(
                    "agent_revoked",
                    "agent " + agent.id() + " was revoked at " + agent.revokedAt() + " and takes no jobs");
        }
        if (request.tool() == null || request.tool().isBlank()) {
            throw new HubException.BadRequest("tool is required, e.g. \"fs.list\"");
        }
        List<String> offered = toolNames(agent);
        if (!offered.isEmpty() && !offered.contains(request.tool()) && !blockedByPolicy(agent, request.tool())) {
            throw new HubException.BadRequest(
                    ErrorCodes.UNKNOWN_TOOL,
                    "agent " + agent.id() + " ("
                            + agent.hostname() + ") does not offer tool " + request.tool() + "; it offers: "
                            + String.join(", ", offered));
        }
        if (agents.effectivePolicy(tenantId, agent.id()).isEmpty()) {
            // This agent has not reported applying tenant policies (an older agent, or one between its
            // hello and its advertise): the hub holds the tenant's tool list itself.
            policies.toolLeftOutBy(agent, request.tool()).ifPresent(source -> {
                throw new HubException.Forbidden(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "the tool " + request.tool() + " is not in the allowed tools of " + source
                                + "; change the policy with engine policies set, or choose another tool");
            });
        }
        JsonNode args = request.args() == null || request.args().isNull() ? mapper.createObjectNode() : request.args();
        if (!args.isObject()) {
            throw new HubException.BadRequest("args must be a JSON object; got " + args.getNodeType());
        }
        Duration timeout = request.timeout() == null ? JobRequest.DEFAULT_TIMEOUT : request.timeout();
        if (timeout.toSeconds() < 1 || timeout.compareTo(JobRequest.MAX_TIMEOUT) > 0) {
            throw new HubException.BadRequest("timeoutSeconds must be between 1 and "
                    + JobRequest.MAX_TIMEOUT.toSeconds() + "; got " + timeout.toSeconds());
        }
        Instant now = clock.instant();
        boolean approval = needsApproval(agent, request.tool(), args);
        Job job = jobs.create(new Job(
                ids.next("job"),
                tenantId,
                sessionId,
                agent.id(),
                request.tool(),
                write(args),
                approval ? JobState.AWAITING_APPROVAL : JobState.QUEUED,
                0,
                now,
                now.plus(timeout),
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false));
        audit.record(
                tenantId,
                AuditType.JOB_CREATED,
                creator,
                null,
                new Audit.Target("job", job.id()),
                Audit.Outcome.SUCCESS,
                Map.of(
                        "sessionId",
                        sessionId,
                        "agentId",
                        agent.id(),
                        "tool",
                        job.tool(),
                        "state",
                        job.state().wire()));
        Optional<AgentPause> pause = agents.findPause(tenantId, agent.id());
        if (pause.isPresent()) {
            return refusePaused(agent, job, pause.get(), now);
        }
        return job;
    }

    /**
     * After a job written by {@link #write} is committed: counts it, and sends it if it is queued and
     * its agent is connected to this node (else the agent's next hello, or another node, sends it).
     *
     * @return the job as it is now (dispatched when it was sent)
     */
    public Job send(Job job) {
        metrics.created();
        if (job.state() == JobState.FAILED) { // refused: its agent is paused
            metrics.completed(job.tenantId(), JobState.FAILED, null);
            waiters.finished(job.id());
            return job;
        }
        log.atInfo()
                .addKeyValue("jobId", job.id())
                .addKeyValue("agentId", job.agentId())
                .addKeyValue("tool", job.tool())
                .addKeyValue("state", job.state().wire())
                .log("job created");
        if (job.state() == JobState.QUEUED) {
            registry.find(job.tenantId(), job.agentId()).ifPresent(c -> deliver(c, job));
        }
        return jobs.find(job.tenantId(), job.id()).orElse(job);
    }

    /**
     * A job for an agent whose person paused it is written (so it has an id and a history) and
     * finished at once as FAILED with {@code agent_paused}, never sent: the same outcome the agent
     * itself gives a job that reaches it while paused, so a client handles one shape either way.
     */
    private Job refusePaused(Agent agent, Job job, AgentPause pause, Instant now) {
        String message = "agent " + agent.id() + " (" + agent.hostname() + ") is paused: " + pause.by()
                + " at its machine paused its local actions at " + pause.since() + "; the job was not sent."
                + " Ask them to resume it (enginex-agent resume, or the switch on its status page), then send it"
                + " again.";
        jobs.complete(
                job.tenantId(),
                job.id(),
                agent.id(),
                new Outcome(JobState.FAILED, null, ErrorCodes.AGENT_PAUSED, message, null, now, false));
        log.atInfo()
                .addKeyValue("jobId", job.id())
                .addKeyValue("agentId", agent.id())
                .addKeyValue("pausedBy", pause.by())
                .log("job refused: the agent is paused");
        return jobs.find(job.tenantId(), job.id()).orElse(job);
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
        registry.find(tenantId, job.agentId()).ifPresent(c -> deliver(c, job));
        return jobs.find(tenantId, jobId).orElse(job);
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
        waiters.finished(jobId);
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

    /**
     * True when the agent's last advertisement says its effective policy removed {@code tool}: such a
     * job is sent, so the agent refuses it {@code blocked_by_policy} naming the rule (and audits it),
     * rather than the hub answering {@code unknown_tool}.
     */
    private boolean blockedByPolicy(Agent agent, String tool) {
        return agents.effectivePolicy(agent.tenantId(), agent.id())
                .map(json -> {
                    try {
                        for (JsonNode blocked : mapper.readTree(json).path("blockedTools")) {
                            if (tool.equals(blocked.path("name").asText())) {
                                return true;
                            }
                        }
                        return false;
                    } catch (JsonProcessingException e) {
                        return false;
                    }
                })
                .orElse(false);
    }

    /**
     * True when the agent announced that this call of {@code tool} needs a person's approval, or a
     * tenant policy that applies to the agent says so (the hub knows those itself, so an agent that has
     * not advertised them yet, or an older agent, cannot skip them).
     */
    private boolean needsApproval(Agent agent, String tool, JsonNode args) {
        if (policies.approvalRequiredBy(agent, tool, args).isPresent()) {
            return true;
        }
        try {
            for (JsonNode descriptor : mapper.readTree(agent.toolsJson())) {
                if (tool.equals(descriptor.path("name").asText())) {
                    JsonNode approval = descriptor.path("approval");
                    if (approval.path("required").asBoolean(false)) {
                        return true;
                    }
                    String template = args.path("command").asText(null);
                    for (JsonNode t : approval.path("templates")) {
                        if (t.asText().equals(template)) {
                            return true;
                        }
                    }
                }
            }
        } catch (JsonProcessingException e) {
            log.atWarn().addKeyValue("agentId", agent.id()).log("agent has unreadable tools; not checking approvals");
        }
        return false;
    }

    @Override
    public void onReady(AgentConnection connection) {
        List<Job> unfinished = jobs.listUnfinished(connection.tenantId(), connection.agentId());
        if (!unfinished.isEmpty()) {
            log.atInfo()
                    .addKeyValue("agentId", connection.agentId())
                    .addKeyValue("jobs", unfinished.size())
                    .log("sending unfinished jobs after hello");
        }
        for (Job job : unfinished) {
            deliver(connection, job);
        }
    }

    @Override
    public void onAck(AgentConnection connection, Ack ack) {
        jobs.markRunning(connection.tenantId(), ack.jobId(), connection.agentId(), clock.instant());
    }

    @Override
    public void onProgress(AgentConnection connection, Progress progress) {
        jobs.markProgress(connection.tenantId(), progress.jobId(), connection.agentId(), clock.instant());
    }

    @Override
    public void onResult(AgentConnection connection, Result result) {
        connection.releaseDelivery(result.jobId());
        // The hub's clock decides when the job finished (and started, had no ack arrived): the agent's
        // clock may be off by any amount, so what it reports is kept apart as the device's times.
        Instant now = clock.instant();
        Job.DeviceTimes device = Job.DeviceTimes.of(result.startedAt(), result.finishedAt());
        Outcome outcome = result.ok()
                ? new Outcome(
                        JobState.SUCCEEDED, write(result.output()), null, null, now, now, result.replayed(), device)
                : new Outcome(
                        stateOf(result.error().code()),
                        null,
                        result.error().code(),
                        result.error().message(),
                        now,
                        now,
                        result.replayed(),
                        device);
        boolean first = jobs.complete(connection.tenantId(), result.jobId(), connection.agentId(), outcome);
        if (!first) {
            log.atDebug()
                    .addKeyValue("jobId", result.jobId())
                    .addKeyValue("agentId", connection.agentId())
                    .log("result ignored: the job is finished already, or not this agent's");
            return;
        }
        Duration latency = jobs.find(connection.tenantId(), result.jobId())
                .filter(j -> j.dispatchedAt() != null)
                .map(j -> Duration.between(j.dispatchedAt(), now))
                .orElse(null);
        metrics.completed(connection.tenantId(), outcome.state(), latency);
        waiters.finished(result.jobId());
        log.atInfo()
                .addKeyValue("jobId", result.jobId())
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("state", outcome.state().wire())
                .addKeyValue("replayed", result.replayed())
                .log("job finished");
    }

    private void deliver(AgentConnection connection, Job job) {
        if (!job.deadline().isAfter(clock.instant())) {
            return; // the deadline sweeper times it out
        }
        if (!connection.claimDelivery(job.id())) {
            return; // already sent on this connection (its creator and the hello resend raced)
        }
        Job marked;
        try {
            marked = jobs.markDispatched(connection.tenantId(), job.id(), clock.instant())
                    .orElse(null);
        } catch (RuntimeException e) {
            connection.releaseDelivery(job.id());
            if (DatabaseFailures.isUnavailable(e)) {
                connection.needResync(); // sent once the database is back
            }
            throw e;
        }
        if (marked == null) {
            return;
        }
        JsonNode args;
        try {
            args = mapper.readTree(marked.argsJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("job " + marked.id() + " has unreadable args in the database", e);
        }
        if (connection.send(new Dispatch(
                connection.nextFrameId(),
                marked.id(),
                marked.tool(),
                args,
                marked.deadline(),
                marked.attempt(),
                marked.approval() != null && marked.approval().approved()
                        ? marked.approval().by()
                        : null))) {
            metrics.dispatched(connection.tenantId());
            log.atDebug()
                    .addKeyValue("jobId", marked.id())
                    .addKeyValue("attempt", marked.attempt())
                    .log("job sent");
        }
    }

    private List<String> toolNames(Agent agent) {
        List<String> names = new ArrayList<>();
        try {
            for (JsonNode tool : mapper.readTree(agent.toolsJson())) {
                if (tool.hasNonNull("name")) {
                    names.add(tool.get("name").asText());
                }
            }
        } catch (JsonProcessingException e) {
            log.atWarn().addKeyValue("agentId", agent.id()).log("agent has unreadable tools; not checking the tool");
        }
        return names;
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
