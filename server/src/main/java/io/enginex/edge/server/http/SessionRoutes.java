package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.dashboard.PageLinks;
import io.enginex.edge.server.http.ApiViews.JobView;
import io.enginex.edge.server.http.ApiViews.SessionView;
import io.enginex.edge.server.job.JobRequest;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.Session;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.List;

/**
 * Sessions and their jobs: {@code /api/v1/tenants/{t}/sessions}, {@code …/jobs/{id}?wait=}, {@code
 * …/jobs?state=}, and the approval decisions {@code …/jobs/{id}/approve} and {@code …/deny}. An
 * adapter over {@link Jobs}: it parses, calls the service with the caller, and renders.
 */
final class SessionRoutes {
    static final int MAX_WAIT_SECONDS = 60;

    private final Jobs jobs;
    private final PageLinks links;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    SessionRoutes(Jobs jobs, PageLinks links, ApiAccess access, ObjectMapper mapper, IdempotentResponder creates) {
        this.jobs = jobs;
        this.links = links;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/sessions", this::create, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/sessions", this::list);
        routes.get("/api/v1/tenants/{t}/sessions/{sid}", this::get);
        routes.post("/api/v1/tenants/{t}/sessions/{sid}/jobs", this::createJob, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/jobs/{id}", this::getJob);
        routes.get("/api/v1/tenants/{t}/jobs", this::listJobs);
        routes.post("/api/v1/tenants/{t}/jobs/{id}/approve", ctx -> decide(ctx, true));
        routes.post("/api/v1/tenants/{t}/jobs/{id}/deny", ctx -> decide(ctx, false));
    }

    private void listJobs(Context ctx) {
        Caller caller = access.caller(ctx);
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
        ctx.json(jobs.inState(caller, ctx.pathParam("t"), wanted, limit).stream()
                .map(j -> JobView.of(j, mapper))
                .toList());
    }

    private void decide(Context ctx, boolean approve) {
        Caller caller = access.caller(ctx);
        String reason = ctx.body().isBlank() ? "" : JsonBody.read(ctx, mapper).text("reason", "");
        Job job = jobs.decide(caller, ctx.pathParam("t"), ctx.pathParam("id"), approve, reason, Origin.api(ctx.ip()));
        ctx.json(JobView.of(job, mapper));
    }

    private void create(Context ctx) {
        Caller caller = access.caller(ctx);
        String name = JsonBody.read(ctx, mapper).text("name", "");
        creates.respond(
                ctx,
                caller,
                jobs.newSession(
                        caller,
                        ctx.pathParam("t"),
                        name,
                        session -> creates.created(
                                session.id(), SessionView.of(session, pageUrl(session, caller), null))));
    }

    private void list(Context ctx) {
        Caller caller = access.caller(ctx);
        int limit = (int) Math.min(500, Math.max(1, queryLong(ctx, "limit", 50)));
        ctx.json(jobs.sessions(caller, ctx.pathParam("t"), limit).stream()
                .map(s -> SessionView.of(s, pageUrl(s, caller), null))
                .toList());
    }

    private void get(Context ctx) {
        Caller caller = access.caller(ctx);
        String tenant = ctx.pathParam("t");
        Session session = jobs.session(caller, tenant, ctx.pathParam("sid"));
        List<JobView> list = jobs.jobsOf(caller, tenant, session.id()).stream()
                .map(j -> JobView.of(j, mapper))
                .toList();
        ctx.json(SessionView.of(session, pageUrl(session, caller), list));
    }

    private void createJob(Context ctx) {
        Caller caller = access.caller(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        long timeout = body.integer("timeoutSeconds", JobRequest.DEFAULT_TIMEOUT.toSeconds());
        var request = new JobRequest(
                body.requiredText("agentId"), body.requiredText("tool"), body.raw("args"), Duration.ofSeconds(timeout));
        creates.respond(
                ctx,
                caller,
                jobs.newJob(
                        caller,
                        ctx.pathParam("t"),
                        ctx.pathParam("sid"),
                        request,
                        job -> creates.created(job.id(), JobView.of(job, mapper))));
    }

    private void getJob(Context ctx) throws InterruptedException {
        Caller caller = access.caller(ctx);
        long wait = queryLong(ctx, "wait", 0);
        if (wait < 0 || wait > MAX_WAIT_SECONDS) {
            throw new HubException.BadRequest(
                    "wait must be between 0 and " + MAX_WAIT_SECONDS + " seconds; got " + wait);
        }
        Job job = jobs.await(caller, ctx.pathParam("t"), ctx.pathParam("id"), Duration.ofSeconds(wait));
        ctx.json(JobView.of(job, mapper));
    }

    /** The caller's link to the session's page: the same on every request until revoked or expired. */
    private String pageUrl(Session session, Caller caller) {
        return links.shareUrl(caller, session);
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
