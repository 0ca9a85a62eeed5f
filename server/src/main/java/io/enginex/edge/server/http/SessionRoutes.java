package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.dashboard.PageCapability;
import io.enginex.edge.server.dispatch.Dispatcher;
import io.enginex.edge.server.dispatch.JobRequest;
import io.enginex.edge.server.dispatch.JobWaiters;
import io.enginex.edge.server.http.ApiViews.JobView;
import io.enginex.edge.server.http.ApiViews.SessionView;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Sessions and their jobs: {@code /api/v1/tenants/{t}/sessions}, {@code …/jobs/{id}?wait=}, {@code
 * …/jobs?state=}, and the approval decisions {@code …/jobs/{id}/approve} and {@code …/deny} (not for
 * viewers; audited).
 */
final class SessionRoutes {
    static final int MAX_WAIT_SECONDS = 60;

    private final SessionStore sessions;
    private final JobStore jobs;
    private final Dispatcher dispatcher;
    private final JobWaiters waiters;
    private final PageCapability capability;
    private final Supplier<String> baseUrl;
    private final ApiAccess access;
    private final Audit audit;
    private final IdGenerator ids;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    SessionRoutes(
            SessionStore sessions,
            JobStore jobs,
            Dispatcher dispatcher,
            JobWaiters waiters,
            PageCapability capability,
            Supplier<String> baseUrl,
            ApiAccess access,
            Audit audit,
            IdGenerator ids,
            Clock clock,
            ObjectMapper mapper,
            IdempotentResponder creates) {
        this.creates = creates;
        this.sessions = sessions;
        this.jobs = jobs;
        this.dispatcher = dispatcher;
        this.waiters = waiters;
        this.capability = capability;
        this.baseUrl = baseUrl;
        this.access = access;
        this.audit = audit;
        this.ids = ids;
        this.clock = clock;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/sessions", this::create);
        routes.get("/api/v1/tenants/{t}/sessions", this::list);
        routes.get("/api/v1/tenants/{t}/sessions/{sid}", this::get);
        routes.post("/api/v1/tenants/{t}/sessions/{sid}/jobs", this::createJob);
        routes.get("/api/v1/tenants/{t}/jobs/{id}", this::getJob);
        routes.get("/api/v1/tenants/{t}/jobs", this::listJobs);
        routes.post("/api/v1/tenants/{t}/jobs/{id}/approve", ctx -> decide(ctx, true));
        routes.post("/api/v1/tenants/{t}/jobs/{id}/deny", ctx -> decide(ctx, false));
    }

    private void listJobs(Context ctx) {
        access.forTenant(ctx);
        String state = ctx.queryParam("state");
        if (state == null || state.isBlank()) {
            throw new HubException.BadRequest(
                    "state is required, e.g. ?state=awaiting_approval (one of " + JobState.wireNames() + ")");
        }
        JobState wanted;
        try {
            wanted = JobState.fromWire(state.strip());
        } catch (IllegalArgumentException e) {
            throw new HubException.BadRequest("unknown state \"" + state + "\"; use one of " + JobState.wireNames());
        }
        int limit = (int) Math.min(500, Math.max(1, queryLong(ctx, "limit", 50)));
        ctx.json(jobs.listByState(ctx.pathParam("t"), wanted, limit).stream()
                .map(j -> JobView.of(j, mapper))
                .toList());
    }

    private void decide(Context ctx, boolean approve) {
        Caller caller = access.forTenant(ctx);
        String reason = ctx.body().isBlank() ? "" : JsonBody.read(ctx, mapper).text("reason", "");
        if (reason.length() > 1000) {
            throw new HubException.BadRequest("reason must be at most 1000 characters");
        }
        String tenant = ctx.pathParam("t");
        String id = ctx.pathParam("id");
        String by = caller.actorId();
        String why = reason.isBlank() ? null : reason.strip();
        Job job = approve ? dispatcher.approve(tenant, id, by, why) : dispatcher.deny(tenant, id, by, why);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("tool", job.tool());
        if (why != null) {
            details.put("reason", why);
        }
        audit.record(
                tenant,
                approve ? AuditType.JOB_APPROVED : AuditType.JOB_DENIED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("job", id),
                Audit.Outcome.SUCCESS,
                details);
        ctx.json(JobView.of(job, mapper));
    }

    private void create(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        String name = body.text("name", "");
        if (name.length() > 200) {
            throw new HubException.BadRequest("name must be at most 200 characters");
        }
        String tenant = ctx.pathParam("t");
        creates.respond(
                ctx,
                caller,
                Creation.of(
                        () -> {
                            String id = ids.next("ses");
                            return sessions.create(new Session(
                                    id, tenant, name.isBlank() ? id : name.strip(), caller.keyId(), clock.instant()));
                        },
                        session -> creates.created(
                                session.id(), SessionView.of(session, pageUrl(session, caller), null))));
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        int limit = (int) Math.min(500, Math.max(1, queryLong(ctx, "limit", 50)));
        ctx.json(sessions.list(ctx.pathParam("t"), limit).stream()
                .map(s -> SessionView.of(s, pageUrl(s, caller), null))
                .toList());
    }

    private void get(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        Session session = findSession(tenant, ctx.pathParam("sid"));
        List<JobView> list = jobs.listBySession(tenant, session.id()).stream()
                .map(j -> JobView.of(j, mapper))
                .toList();
        ctx.json(SessionView.of(session, pageUrl(session, caller), list));
    }

    private void createJob(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        long timeout = body.integer("timeoutSeconds", JobRequest.DEFAULT_TIMEOUT.toSeconds());
        var request = new JobRequest(
                body.requiredText("agentId"), body.requiredText("tool"), body.raw("args"), Duration.ofSeconds(timeout));
        creates.respond(
                ctx,
                caller,
                Creation.of(
                        () -> dispatcher.write(Actor.of(caller), ctx.pathParam("t"), ctx.pathParam("sid"), request),
                        job -> creates.created(job.id(), JobView.of(job, mapper)),
                        dispatcher::send));
    }

    private void getJob(Context ctx) throws InterruptedException {
        access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        String id = ctx.pathParam("id");
        long wait = queryLong(ctx, "wait", 0);
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw new HubException.BadRequest(
                    "wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds; got " + wait);
        }
        Job job = waiters.await(tenant, id, Duration.ofSeconds(wait))
                .orElseThrow(
                        () -> new HubException.NotFound("job_not_found", "tenant " + tenant + " has no job " + id));
        ctx.json(JobView.of(job, mapper));
    }

    private Session findSession(String tenant, String id) {
        return sessions.find(tenant, id)
                .orElseThrow(() ->
                        new HubException.NotFound("session_not_found", "tenant " + tenant + " has no session " + id));
    }

    /** The caller's link to the session's page: the same on every request until revoked or expired. */
    private String pageUrl(Session session, Caller caller) {
        return baseUrl.get() + "/ui/sessions/" + session.id() + "?t="
                + capability.issue(session.tenantId(), session.id(), caller.actorId());
    }

    private static long queryLong(Context ctx, String name, long fallback) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new HubException.BadRequest(name + " must be a whole number; got \"" + value + "\"");
        }
    }
}
