package io.enginex.edge.server.dashboard;

import static io.enginex.edge.server.dashboard.HtmlEscape.escape;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /ui/sessions/{sid}?t=<capability>}: one session's jobs as a plain server-rendered page,
 * refreshing every 2 s while a job is unfinished. Everything from the database is escaped. It sends
 * the dashboard's Content-Security-Policy ({@link Pages#CSP}: no inline script or style; its look
 * comes from the static {@code share.css}) and {@code Referrer-Policy: no-referrer}, as its URL
 * carries the capability.
 */
public final class SessionPage {
    private final SessionStore sessions;
    private final JobStore jobs;
    private final AgentStore agents;
    private final PageCapability capability;
    private final ObjectMapper mapper;

    public SessionPage(
            SessionStore sessions, JobStore jobs, AgentStore agents, PageCapability capability, ObjectMapper mapper) {
        this.sessions = sessions;
        this.jobs = jobs;
        this.agents = agents;
        this.capability = capability;
        this.mapper = mapper;
    }

    /**
     * Answers the request.
     *
     * @param stylesheet the URL of the page's stylesheet ({@link Assets#share()})
     */
    public void handle(Context ctx, String stylesheet) {
        String sessionId = ctx.pathParam("sid");
        Pages.headers(ctx);
        ctx.header("Referrer-Policy", "no-referrer");
        Optional<Session> session =
                capability.verify(sessionId, ctx.queryParam("t")).flatMap(tenant -> sessions.find(tenant, sessionId));
        if (session.isEmpty()) {
            ctx.status(403)
                    .html(page(
                            stylesheet,
                            "Link not valid",
                            null,
                            "<p>This link is not valid: it has expired or was revoked. Open the session through the "
                                    + "<code>pageUrl</code> the API returns for it (links work for "
                                    + escape(io.enginex.edge.server.config.HumanDuration.format(capability.lifetime()))
                                    + " unless revoked; GET the session again for a working one).</p>"));
            return;
        }
        List<Job> list = jobs.listBySession(session.get().tenantId(), sessionId);
        boolean unfinished = list.stream().anyMatch(j -> !j.state().terminal());
        ctx.html(page(stylesheet, "Session " + session.get().name(), unfinished ? 2 : null, body(session.get(), list)));
    }

    private String body(Session session, List<Job> list) {
        Map<String, String> hostnames = new HashMap<>();
        StringBuilder out = new StringBuilder();
        out.append("<h1>").append(escape(session.name())).append("</h1>");
        out.append("<p class=meta>Session <code>")
                .append(escape(session.id()))
                .append("</code> · tenant <code>")
                .append(escape(session.tenantId()))
                .append("</code> · created ")
                .append(time(session.createdAt()))
                .append(" · ")
                .append(list.size())
                .append(" job(s)</p>");
        if (list.isEmpty()) {
            return out.append("<p>No jobs yet.</p>").toString();
        }
        for (Job job : list) {
            String host = hostnames.computeIfAbsent(
                    job.agentId(),
                    id -> agents.find(job.tenantId(), id).map(Agent::hostname).orElse(id));
            out.append("<section class=\"job ")
                    .append(escape(job.state().wire()))
                    .append("\">");
            out.append("<h2><code>")
                    .append(escape(job.tool()))
                    .append("</code> on ")
                    .append(escape(host))
                    .append(" <span class=state>")
                    .append(escape(job.state().wire()))
                    .append("</span></h2>");
            out.append("<table>");
            row(out, "Job", "<code>" + escape(job.id()) + "</code>");
            row(out, "Agent", "<code>" + escape(job.agentId()) + "</code>");
            row(out, "Attempt", String.valueOf(job.attempt()));
            row(out, "Created", time(job.createdAt()));
            row(out, "Deadline", time(job.deadline()));
            row(out, "Started", time(job.startedAt()));
            row(out, "Finished", time(job.finishedAt()));
            if (job.device() != null) {
                // The agent's own clock, which may be wrong; the rows above are the hub's.
                row(out, "Started (device time)", time(job.device().startedAt()));
                row(out, "Finished (device time)", time(job.device().finishedAt()));
            }
            if (job.replayed()) {
                row(out, "Replayed", "yes (answered from the agent's journal)");
            }
            out.append("</table>");
            out.append("<h3>Arguments</h3><pre>")
                    .append(escape(pretty(job.argsJson())))
                    .append("</pre>");
            if (job.outputJson() != null) {
                out.append("<h3>Result</h3><pre>")
                        .append(escape(pretty(job.outputJson())))
                        .append("</pre>");
            } else if (job.errorCode() != null) {
                out.append("<h3>Error</h3><p class=error><code>")
                        .append(escape(job.errorCode()))
                        .append("</code> ")
                        .append(escape(job.errorMessage()))
                        .append("</p>");
            }
            out.append("</section>");
        }
        return out.toString();
    }

    private static void row(StringBuilder out, String name, String valueHtml) {
        out.append("<tr><th>")
                .append(escape(name))
                .append("</th><td>")
                .append(valueHtml)
                .append("</td></tr>");
    }

    private String pretty(String json) {
        if (json == null) {
            return "";
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(mapper.readTree(json));
        } catch (JsonProcessingException e) {
            return json;
        }
    }

    private static String time(Instant t) {
        return t == null ? "–" : escape(DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.MILLIS)));
    }

    private static String page(String stylesheet, String title, Integer refreshSeconds, String body) {
        return "<!doctype html><html lang=en><head><meta charset=utf-8>"
                + "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
                + (refreshSeconds == null ? "" : "<meta http-equiv=refresh content=\"" + refreshSeconds + "\">")
                + "<title>" + escape(title) + " · EngineX Edge</title><link rel=stylesheet href=\"" + escape(stylesheet)
                + "\"></head><body>"
                + body + "</body></html>";
    }
}
