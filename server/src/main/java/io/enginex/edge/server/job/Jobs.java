package io.enginex.edge.server.job;

import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.dispatch.Dispatcher;
import io.enginex.edge.server.dispatch.JobWaiters;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentPause;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.JobStore.Outcome;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Jobs and the sessions they run in: the one place that, for every front end (REST, dashboard, and
 * later MCP), authorises the caller for the tenant, validates, writes, audits once and tells live
 * views. Creates are {@link Creation}s split at the commit, so an {@code Idempotency-Key} is stored
 * in the same transaction as the job and its {@code job.created} event. Thread-safe.
 */
public final class Jobs {
    private static final Logger log = LoggerFactory.getLogger(Jobs.class);

    /** The longest session name. */
    public static final int MAX_SESSION_NAME = 200;

    /** The longest reason for an approval decision. */
    public static final int MAX_REASON = 1000;

    private final JobStore jobs;
    private final SessionStore sessions;
    private final AgentStore agents;
    private final JobFactory factory;
    private final Dispatcher dispatcher;
    private final JobWaiters waiters;
    private final Audit audit;
    private final IdempotentCreates creates;
    private final LiveViews live;
    private final TenantGuard guard;
    private final IdGenerator ids;
    private final Clock clock;
    private final Admission admission;

    public Jobs(
            JobStore jobs,
            SessionStore sessions,
            AgentStore agents,
            JobFactory factory,
            Dispatcher dispatcher,
            JobWaiters waiters,
            Audit audit,
            IdempotentCreates creates,
            LiveViews live,
            TenantGuard guard,
            IdGenerator ids,
            Clock clock,
            Admission admission) {
        this.jobs = jobs;
        this.sessions = sessions;
        this.agents = agents;
        this.factory = factory;
        this.dispatcher = dispatcher;
        this.waiters = waiters;
        this.audit = audit;
        this.creates = creates;
        this.live = live;
        this.guard = guard;
        this.ids = ids;
        this.clock = clock;
        this.admission = admission;
    }

    /**
     * A new session named {@code name} (blank: its id), to run through {@link IdempotentCreates}.
     *
     * @param answer what the caller is answered, stored with an idempotency key
     * @throws HubException.BadRequest for a name that is too long
     */
    public Creation<Session> newSession(Caller caller, String tenant, String name, Function<Session, Answer> answer) {
        guard.checkWrite(caller, tenant);
        String trimmed = name == null ? "" : name.strip();
        if (trimmed.length() > MAX_SESSION_NAME) {
            throw new HubException.BadRequest("a session name may have at most " + MAX_SESSION_NAME + " characters");
        }
        return Creation.of(
                () -> {
                    String id = ids.next("ses");
                    return sessions.create(new Session(
                            id, tenant, trimmed.isEmpty() ? id : trimmed, caller.actorId(), clock.instant()));
                },
                answer);
    }

    /** Makes a session at once (no idempotency key). */
    public Session createSession(Caller caller, String tenant, String name) {
        return creates.once(newSession(caller, tenant, name, s -> null));
    }

    /** The tenant's newest sessions, at most {@code limit}. */
    public List<Session> sessions(Caller caller, String tenant, int limit) {
        guard.check(caller, tenant);
        return sessions.list(tenant, limit);
    }

    /** @throws HubException.NotFound {@code session_not_found} */
    public Session session(Caller caller, String tenant, String id) {
        guard.check(caller, tenant);
        return sessions.find(tenant, id)
                .orElseThrow(() ->
                        new HubException.NotFound("session_not_found", "tenant " + tenant + " has no session " + id));
    }

    /** The jobs of a session, oldest first. */
    public List<Job> jobsOf(Caller caller, String tenant, String sessionId) {
        guard.check(caller, tenant);
        return jobs.listBySession(tenant, sessionId);
    }

    /**
     * A new job, to run through {@link IdempotentCreates}: made by the {@link JobFactory} (its reads
     * and checks, and whether the agent is paused, done before the transaction), written with its
     * {@code job.created} event in one group-committed transaction (with the key, when there is one),
     * and sent to its agent after the commit. A job for a paused agent is written already FAILED with
     * {@code agent_paused} and never sent. Every front end's create (REST, the runtime channel, MCP,
     * the dashboard) first takes a place from this node's {@link Admission}.
     *
     * @throws HubException the factory's refusals, and {@code tenant_not_found}/{@code forbidden}; when
     *     run, {@link HubException.Overloaded} over the node's capacity
     */
    public Creation<Job> newJob(
            Caller caller, String tenant, String sessionId, JobRequest request, Function<Job, Answer> answer) {
        return newJob(caller, null, tenant, sessionId, request, answer);
    }

    /**
     * As {@link #newJob(Caller, String, String, JobRequest, Function)}, for a call that came in {@code
     * via} a way the caller alone does not say (an MCP client: {@code MCP client claude-code 2.1.0}); the
     * job's {@link Job#requestedBy} names the caller and that way ({@link Requester}).
     */
    public Creation<Job> newJob(
            Caller caller,
            String via,
            String tenant,
            String sessionId,
            JobRequest request,
            Function<Job, Answer> answer) {
        guard.checkWrite(caller, tenant);
        Actor creator = Actor.of(caller);
        String requestedBy = Requester.describe(caller, via);
        return Creation.<Job, Ready>preparedBy(
                        () -> prepare(tenant, sessionId, request, requestedBy),
                        ready -> write(creator, ready),
                        answer,
                        this::afterCommit)
                .resumedBy(jobId -> dispatcher.resend(tenant, jobId))
                .admittedBy(() -> admission.enter(tenant)::close);
    }

    /** A job made and checked, and the pause of its agent if it has one. */
    private record Ready(JobFactory.Made made, Optional<AgentPause> pause) {}

    private Ready prepare(String tenant, String sessionId, JobRequest request, String requestedBy) {
        JobFactory.Made made = factory.make(tenant, sessionId, request);
        JobFactory.Made asked = new JobFactory.Made(made.job().withRequestedBy(requestedBy), made.agent());
        return new Ready(asked, agents.findPause(tenant, made.agent().id()));
    }

    /** Makes a job at once (no idempotency key): {@link #newJob} run to the end. */
    public Job create(Caller caller, String tenant, String sessionId, JobRequest request) {
        return creates.once(newJob(caller, tenant, sessionId, request, j -> null));
    }

    private Job write(Actor creator, Ready ready) {
        Job job = jobs.create(ready.made().job());
        audit.record(
                job.tenantId(),
                AuditType.JOB_CREATED,
                creator,
                null,
                new Audit.Target("job", job.id()),
                Audit.Outcome.SUCCESS,
                Map.of(
                        "sessionId",
                        job.sessionId(),
                        "agentId",
                        job.agentId(),
                        "tool",
                        job.tool(),
                        "state",
                        job.state().wire()));
        return ready.pause()
                .map(pause -> refusePaused(ready.made().agent(), job, pause))
                .orElse(job);
    }

    private Job afterCommit(Job job) {
        Job sent = dispatcher.send(job);
        live.changed(job.tenantId());
        return sent;
    }

    /**
     * A job for an agent whose person paused it is written (so it has an id and a history) and
     * finished at once as FAILED with {@code agent_paused}, never sent: the same outcome the agent
     * itself gives a job that reaches it while paused, so a client handles one shape either way.
     */
    private Job refusePaused(Agent agent, Job job, AgentPause pause) {
        Instant now = clock.instant();
        String message = "agent " + agent.id() + " (" + agent.hostname() + ") is paused: " + pause.by()
                + " at its machine paused its local actions at " + pause.since() + "; the job was not sent."
                + " Ask them to resume it (enginex-agent resume, or the switch on its status page), then send it"
                + " again.";
        Outcome refused = new Outcome(JobState.FAILED, null, ErrorCodes.AGENT_PAUSED, message, null, now, false);
        if (jobs.complete(job.tenantId(), job.id(), agent.id(), refused)) {
            audit.jobFinished(job.tenantId(), job.id(), Actor.system(), JobState.FAILED, ErrorCodes.AGENT_PAUSED);
        }
        log.atInfo()
                .addKeyValue("jobId", job.id())
                .addKeyValue("agentId", agent.id())
                .addKeyValue("pausedBy", pause.by())
                .log("job refused: the agent is paused");
        return jobs.find(job.tenantId(), job.id()).orElse(job); // rare: read back as stored
    }

    /**
     * The job, once it is finished or {@code wait} has passed (zero: at once).
     *
     * @throws HubException.NotFound {@code job_not_found}
     */
    public Job await(Caller caller, String tenant, String id, Duration wait) throws InterruptedException {
        guard.check(caller, tenant);
        return waiters.await(tenant, id, wait)
                .orElseThrow(
                        () -> new HubException.NotFound("job_not_found", "tenant " + tenant + " has no job " + id));
    }

    /** The tenant's jobs in {@code state}, at most {@code limit}. */
    public List<Job> inState(Caller caller, String tenant, JobState state, int limit) {
        guard.check(caller, tenant);
        return jobs.listByState(tenant, state, limit);
    }

    /**
     * Approves or denies a job awaiting approval, audits the decision ({@code job.approved} or {@code
     * job.denied}) and tells live views.
     *
     * @param reason why, or null/blank for none; at most {@link #MAX_REASON} characters
     * @throws HubException.BadRequest for a reason that is too long
     * @throws HubException.NotFound {@code job_not_found}
     * @throws HubException.Conflict {@code job_not_awaiting_approval} when decided already
     */
    public Job decide(Caller caller, String tenant, String jobId, boolean approve, String reason, Origin origin) {
        guard.checkWrite(caller, tenant);
        String why = reason == null || reason.isBlank() ? null : reason.strip();
        if (why != null && why.length() > MAX_REASON) {
            throw new HubException.BadRequest("the reason must be at most " + MAX_REASON + " characters");
        }
        String by = caller.actorId();
        Job job = approve ? dispatcher.approve(tenant, jobId, by, why) : dispatcher.deny(tenant, jobId, by, why);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tool", job.tool());
        if (why != null) {
            details.put("reason", why);
        }
        audit.record(
                tenant,
                approve ? AuditType.JOB_APPROVED : AuditType.JOB_DENIED,
                Actor.of(caller),
                origin.sourceIp(),
                new Audit.Target("job", job.id()),
                Audit.Outcome.SUCCESS,
                origin.tag(details));
        live.changed(tenant);
        return job;
    }
}
