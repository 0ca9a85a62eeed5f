package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.fleet.FleetFilter;
import io.enginex.edge.server.http.HubErrors;
import io.enginex.edge.server.job.JobRequest;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentQuery;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import io.enginex.edge.server.store.Stores;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sessions: {@code GET /ui/sessions} lists them (and makes one, {@code POST /ui/sessions}); {@code GET
 * /ui/sessions/{sid}} shows a session's jobs as a timeline that {@code GET /ui/sessions/{sid}/live}
 * keeps current, with a "run tool" form generated from the chosen online agent's tool schema that
 * posts to {@code POST /ui/sessions/{sid}/jobs}. The session page also answers the capability links
 * the API hands out ({@code ?t=…}) with the read-only {@link SessionPage} when nobody is signed in.
 * {@code GET /ui/sessions/{sid}/jobs/{jid}/download} offers a file a job read ({@code fs.read}) as a
 * download.
 */
public final class SessionPages implements PageGroup {
    static final int LIST_LIMIT = 200;

    private final SessionStore sessions;
    private final JobStore jobs;
    private final AgentStore agents;
    private final Fleet fleet;
    private final Jobs jobService;
    private final PageLinks links;
    private final ObjectMapper mapper;

    SessionPages(Jobs jobService, Stores stores, Fleet fleet, PageLinks links, ObjectMapper mapper) {
        this.sessions = stores.sessions();
        this.jobs = stores.jobs();
        this.agents = stores.agents();
        this.fleet = fleet;
        this.jobService = jobService;
        this.links = links;
        this.mapper = mapper;
    }

    public record SessionsView(Page page, List<Session> sessions, boolean canCreate) {}

    /** The session page's model. */
    public record SessionView(
            Page page,
            Session session,
            List<JobCard> jobs,
            RunForm run,
            String liveUrl,
            List<PageLink> links,
            boolean canRevokeLinks) {}

    /**
     * The "run tool" form: the session's online agents, the chosen agent's tools, and the chosen
     * tool's fields (null until one is chosen).
     *
     * @param values what was entered, by form field, so a refused form keeps it
     */
    public record RunForm(
            boolean allowed,
            List<Choice> agents,
            String agentId,
            List<ToolInfo> tools,
            String toolName,
            ToolInfo tool,
            String error,
            Map<String, String> values) {
        public String value(String param) {
            return values.getOrDefault(param, "");
        }
    }

    public record Choice(String value, String label) {}

    @Override
    public void register(Pages pages) {
        pages.get(
                "/ui/sessions",
                Role.VIEWER,
                (ctx, viewer) -> pages.render(
                        ctx,
                        "sessions.jte",
                        new SessionsView(
                                pages.page("Sessions", viewer, "sessions"),
                                sessions.list(viewer.tenantId(), LIST_LIMIT),
                                viewer.can(Role.OPERATOR))));
        pages.post("/ui/sessions", Role.OPERATOR, (ctx, viewer) -> {
            Session created = jobService.createSession(viewer.caller(), viewer.tenantId(), ctx.formParam("name"));
            Pages.redirect(ctx, "/ui/sessions/" + created.id());
        });
        pages.open("/ui/sessions/{sid}", (ctx, viewer) -> {
            String sid = ctx.pathParam("sid");
            boolean capability = ctx.queryParam("t") != null;
            if (viewer == null
                    || (capability && sessions.find(viewer.tenantId(), sid).isEmpty())) {
                if (capability) {
                    links.page().handle(ctx, pages.assets().share()); // the API's share link: read-only, no sign-in
                } else {
                    pages.toSignIn(ctx);
                }
                return;
            }
            Session session = find(viewer, sid);
            var form = runForm(viewer, ctx.queryParam("agent"), ctx.queryParam("tool"), null, Map.of());
            render(pages, ctx, viewer, session, form);
        });
        pages.post("/ui/sessions/{sid}/links/{id}/revoke", Role.OPERATOR, (ctx, viewer) -> {
            Session session = find(viewer, ctx.pathParam("sid"));
            links.revoke(
                    viewer.caller(), viewer.tenantId(), session.id(), ctx.pathParam("id"), Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/sessions/" + session.id() + "#links");
        });
        pages.live("/ui/sessions/{sid}/live", Role.VIEWER, "jobs", (ctx, viewer) -> {
            Session session = find(viewer, ctx.pathParam("sid"));
            return () -> pages.fragment("session/timeline.jte", cards(viewer, session));
        });
        pages.get("/ui/sessions/{sid}/jobs/{jid}/download", Role.VIEWER, (ctx, viewer) -> {
            Session session = find(viewer, ctx.pathParam("sid"));
            String jid = ctx.pathParam("jid");
            Job job = jobs.find(viewer.tenantId(), jid)
                    .filter(j -> session.id().equals(j.sessionId()))
                    .orElseThrow(() -> new HubException.NotFound(
                            "job_not_found", "session " + session.id() + " has no job " + jid));
            ResultFile file = ResultFile.of(job, mapper)
                    .orElseThrow(() -> new HubException.Conflict(
                            "no_file",
                            "job " + jid + " has no file to download: only a succeeded fs.read result is offered"
                                    + " as a file"));
            ctx.header("Content-Disposition", file.contentDisposition());
            ctx.header("X-Content-Type-Options", "nosniff");
            ctx.header("Cache-Control", "no-store");
            ctx.contentType("application/octet-stream");
            ctx.result(file.bytes());
        });
        pages.post("/ui/sessions/{sid}/jobs", Role.OPERATOR, (ctx, viewer) -> {
            Session session = find(viewer, ctx.pathParam("sid"));
            String agentId = ctx.formParam("agent");
            String toolName = ctx.formParam("tool");
            Map<String, String> values = new LinkedHashMap<>();
            ctx.formParamMap().forEach((k, v) -> values.put(k, v.isEmpty() ? "" : v.getFirst()));
            try {
                var form = runForm(viewer, agentId, toolName, null, values);
                if (form.tool() == null) {
                    throw new HubException.BadRequest("choose an online agent and one of its tools first");
                }
                var args = SchemaForm.args(form.tool().inputSchema(), ctx.formParamMap(), mapper);
                long timeout = timeout(ctx.formParam("timeoutSeconds"));
                jobService.create(
                        viewer.caller(),
                        viewer.tenantId(),
                        session.id(),
                        new JobRequest(agentId, toolName, args, Duration.ofSeconds(timeout)));
            } catch (HubException.BadRequest | HubException.Conflict | HubException.NotFound e) {
                HubErrors.answer(ctx, e);
                render(pages, ctx, viewer, session, runForm(viewer, agentId, toolName, e.getMessage(), values));
                return;
            }
            Pages.redirect(
                    ctx, "/ui/sessions/" + session.id() + "?agent=" + enc(agentId) + "&tool=" + enc(toolName) + "#run");
        });
    }

    private void render(Pages pages, Context ctx, Viewer viewer, Session session, RunForm form) {
        pages.render(
                ctx,
                "session.jte",
                new SessionView(
                        pages.page(session.name(), viewer, "sessions"),
                        session,
                        cards(viewer, session),
                        form,
                        "/ui/sessions/" + session.id() + "/live",
                        viewer.can(Role.OPERATOR)
                                ? links.list(viewer.caller(), viewer.tenantId(), session.id())
                                : List.of(),
                        viewer.can(Role.OPERATOR)));
    }

    private List<JobCard> cards(Viewer viewer, Session session) {
        Map<String, String> hosts = new HashMap<>();
        return jobs.listBySession(viewer.tenantId(), session.id()).stream()
                .map(j -> JobCard.of(
                        j,
                        hosts.computeIfAbsent(
                                j.agentId(),
                                id -> agents.find(viewer.tenantId(), id)
                                        .map(Agent::hostname)
                                        .orElse(id)),
                        mapper))
                .toList();
    }

    private RunForm runForm(Viewer viewer, String agentId, String toolName, String error, Map<String, String> values) {
        // the connected agents sort first; the form offers at most one page of them
        var connectedFirst =
                new FleetFilter(null, "", "", "", "", AgentQuery.Sort.STATE, false, 1, AgentQuery.MAX_LIMIT);
        var online = fleet.snapshot(viewer.tenantId(), connectedFirst).rows().stream()
                .filter(r -> r.state() != AgentState.OFFLINE)
                .toList();
        List<Choice> choices = online.stream()
                .map(r -> new Choice(r.id(), r.hostname() + " (" + r.os() + ", " + r.id() + ")"))
                .toList();
        String chosen = agentId != null && online.stream().anyMatch(r -> r.id().equals(agentId))
                ? agentId
                : online.size() == 1 ? online.getFirst().id() : null;
        List<ToolInfo> tools = chosen == null
                ? List.of()
                : agents.find(viewer.tenantId(), chosen)
                        .map(a -> ToolInfo.of(a.tools()))
                        .orElse(List.of());
        ToolInfo tool = toolName == null ? null : ToolInfo.find(tools, toolName);
        return new RunForm(
                viewer.can(Role.OPERATOR),
                choices,
                chosen,
                tools,
                tool == null ? null : tool.name(),
                tool,
                error,
                values);
    }

    private Session find(Viewer viewer, String sid) {
        return sessions.find(viewer.tenantId(), sid)
                .orElseThrow(() -> new HubException.NotFound(
                        "session_not_found", "your tenant has no session " + sid + "; pick one on the sessions page"));
    }

    private static long timeout(String value) {
        if (value == null || value.isBlank()) {
            return JobRequest.DEFAULT_TIMEOUT.toSeconds();
        }
        try {
            long seconds = Long.parseLong(value.strip());
            if (seconds < 1 || seconds > JobRequest.MAX_TIMEOUT.toSeconds()) {
                throw new HubException.BadRequest("the timeout must be between 1 s and one day; got " + seconds);
            }
            return seconds;
        } catch (NumberFormatException e) {
            throw new HubException.BadRequest("the timeout must be a whole number of seconds; got " + value);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }
}
