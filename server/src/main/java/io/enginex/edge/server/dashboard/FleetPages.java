package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.fleet.Agents;
import io.enginex.edge.server.fleet.FleetFilter;
import io.enginex.edge.server.fleet.SignedInUsers;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.ConnectionRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet and its agents: {@code GET /ui/fleet?state=&os=&version=&label=&q=&sort=&dir=&page=&size=}
 * ({@link FleetFilter}) shows one page of the tenant's agents, paged, sorted and filtered in the
 * database, with the counts by state, OS and version; {@code GET /ui/fleet/live?…} streams the rows
 * of that page that change ({@link FleetLive}), and {@code GET /ui/fleet.csv?…} every agent matching
 * the filter as CSV ({@link Csv}), streamed {@link #CSV_BATCH} rows per query (admins also see the
 * tenant's recent failed enrolments, so they can tell why a machine did not show up); {@code GET /ui/agents/{id}} shows one agent (tools, its effective policy and local vetoes
 * ({@link AgentPolicy}), recent jobs, whether it registered and never connected); {@code POST
 * /ui/agents/{id}/revoke} revokes it and closes its connection, {@code …/labels} replaces its labels
 * and {@code …/archive} archives a revoked one (off the fleet list), through {@link Agents} as the API
 * does.
 */
public final class FleetPages implements PageGroup {
    static final int RECENT_JOBS = 20;
    static final int RECENT_CONNECTIONS = 20;
    static final int RECENT_FAILED_ENROLMENTS = 10;
    static final Duration FAILED_ENROLMENTS_SINCE = Duration.ofDays(7);

    /** Rows the export reads per query. */
    static final int CSV_BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(FleetPages.class);

    private final Agents agents;
    private final Fleet fleet;
    private final AgentStates states;
    private final AuditLog auditLog;
    private final Clock clock;
    private final ObjectMapper mapper;

    FleetPages(Agents agents, Fleet fleet, AgentStates states, AuditLog auditLog, Clock clock, ObjectMapper mapper) {
        this.states = states;
        this.agents = agents;
        this.fleet = fleet;
        this.auditLog = auditLog;
        this.clock = clock;
        this.mapper = mapper;
    }

    /**
     * The fleet page's model; {@code liveUrl} is the SSE stream for the same filter; {@code
     * failedEnrolments} the tenant's latest refused enrolments, shown to its admins only (empty for
     * others).
     */
    public record FleetView(Page page, Fleet.Snapshot fleet, String liveUrl, List<FailedEnrolment> failedEnrolments) {}

    /** One machine that tried to enrol and was refused, from the tenant's audit trail. */
    public record FailedEnrolment(Instant at, String hostname, String reason, String sourceIp) {
        static FailedEnrolment of(AuditEvent e, ObjectMapper mapper) {
            JsonNode details;
            try {
                details = mapper.readTree(e.detailsJson());
            } catch (JsonProcessingException ex) {
                details = mapper.createObjectNode();
            }
            String reason = switch (details.path("reason").asText()) {
                case "token_expired" ->
                    "registration token " + details.path("tokenId").asText() + " had expired";
                case "token_revoked" ->
                    "registration token " + details.path("tokenId").asText() + " was revoked";
                case "token_used" ->
                    "registration token " + details.path("tokenId").asText() + " was used up";
                case "device_denied" ->
                    "device request " + details.path("userCode").asText() + " was denied";
                default -> details.path("reason").asText();
            };
            return new FailedEnrolment(
                    e.at(), details.path("hostname").asText(), reason, e.sourceIp() == null ? "" : e.sourceIp());
        }
    }

    /**
     * The agent page's model.
     *
     * @param policy the effective policy the agent reported and its local vetoes, or null if it has not
     * @param connections its latest connections to the hub, newest first
     */
    public record AgentView(
            Page page,
            Fleet.Row row,
            Agent agent,
            List<ToolInfo> tools,
            AgentPolicy policy,
            List<JobCard> jobs,
            boolean canRevoke,
            List<ConnectionRecord> connections,
            boolean canEdit,
            boolean canArchive,
            Instant archivedAt,
            SignedInUsers signedIn) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/fleet", Role.VIEWER, (ctx, viewer) -> {
            FleetFilter filter = FleetFilter.parse(ctx::queryParam);
            Fleet.Snapshot snapshot = fleet.snapshot(viewer.tenantId(), filter);
            pages.render(
                    ctx,
                    "fleet.jte",
                    new FleetView(
                            pages.page("Fleet", viewer, "fleet"),
                            snapshot,
                            filter.url("/ui/fleet/live"),
                            failedEnrolments(viewer)));
        });
        pages.liveChanges(
                "/ui/fleet/live",
                Role.VIEWER,
                (ctx, viewer) -> new FleetLive(
                        f -> fleet.snapshot(viewer.tenantId(), f),
                        FleetFilter.parse(ctx::queryParam),
                        row -> pages.fragment("fleet/row.jte", row),
                        snapshot -> pages.fragment("fleet/summary.jte", snapshot)));
        pages.get("/ui/fleet.csv", Role.VIEWER, (ctx, viewer) -> {
            FleetFilter filter = FleetFilter.parse(ctx::queryParam);
            ctx.contentType("text/csv; charset=utf-8");
            ctx.header("Content-Disposition", "attachment; filename=\"fleet.csv\"");
            var out = new BufferedWriter(new OutputStreamWriter(ctx.outputStream(), StandardCharsets.UTF_8));
            try {
                out.write(Csv.line(CSV_COLUMNS));
                fleet.each(viewer.tenantId(), filter, CSV_BATCH, row -> {
                    try {
                        out.write(Csv.line(csv(row)));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                out.flush();
            } catch (IOException | UncheckedIOException e) {
                log.atDebug()
                        .addKeyValue("reason", e.toString())
                        .log("fleet export ended early: the browser went away");
            }
        });
        pages.get("/ui/agents/{id}", Role.VIEWER, (ctx, viewer) -> {
            Agent agent = agents.find(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"));
            Page page = pages.page(agent.hostname(), viewer, "fleet");
            if (ctx.queryParam("revoked") != null) {
                page = page.withFlash("Agent revoked; its connection was closed and it can no longer connect.");
            } else if (ctx.queryParam("labelled") != null) {
                page = page.withFlash("Labels saved; policies by label apply at the agent's next connection.");
            } else if (ctx.queryParam("archived") != null) {
                page = page.withFlash("Agent archived; it no longer shows on the fleet page.");
            }
            pages.render(ctx, "agent.jte", view(page, viewer, agent));
        });
        pages.post("/ui/agents/{id}/revoke", Role.OPERATOR, (ctx, viewer) -> {
            Agent agent =
                    agents.revoke(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/agents/" + agent.id() + "?revoked");
        });
        pages.post("/ui/agents/{id}/labels", Role.OPERATOR, (ctx, viewer) -> {
            String text = ctx.formParam("labels") == null ? "" : ctx.formParam("labels");
            List<String> labels = Arrays.stream(text.split("[,\\s]+"))
                    .filter(l -> !l.isBlank())
                    .toList();
            Agent agent = agents.setLabels(
                    viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), labels, Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/agents/" + agent.id() + "?labelled");
        });
        pages.post("/ui/agents/{id}/archive", Role.OPERATOR, (ctx, viewer) -> {
            var facts =
                    agents.archive(viewer.caller(), viewer.tenantId(), ctx.pathParam("id"), Origin.dashboard(ctx.ip()));
            Pages.redirect(ctx, "/ui/agents/" + facts.agent().id() + "?archived");
        });
    }

    /** The tenant's refused enrolments of the last {@link #FAILED_ENROLMENTS_SINCE}, for its admins. */
    private List<FailedEnrolment> failedEnrolments(Viewer viewer) {
        if (!viewer.can(Role.ADMIN)) {
            return List.of();
        }
        return auditLog
                .failedEnrolments(
                        viewer.caller(),
                        viewer.tenantId(),
                        clock.instant().minus(FAILED_ENROLMENTS_SINCE),
                        RECENT_FAILED_ENROLMENTS)
                .stream()
                .map(e -> FailedEnrolment.of(e, mapper))
                .toList();
    }

    private AgentView view(Page page, Viewer viewer, Agent agent) {
        var row = fleet.row(viewer.tenantId(), agent.id()).orElseThrow();
        var facts = agents.facts(agent);
        var cards = agents.recentJobs(viewer.caller(), viewer.tenantId(), agent.id(), RECENT_JOBS).stream()
                .map(j -> JobCard.of(j, agent.hostname(), mapper))
                .toList();
        return new AgentView(
                page,
                row,
                agent,
                ToolInfo.of(agent.tools()),
                AgentPolicy.of(facts.effectivePolicy(), agents.applicablePolicies(agent), mapper)
                        .orElse(null),
                cards,
                viewer.can(Role.OPERATOR) && !agent.revoked(),
                agents.connections(viewer.caller(), viewer.tenantId(), agent.id(), null, RECENT_CONNECTIONS).stream()
                        .limit(RECENT_CONNECTIONS)
                        .toList(),
                viewer.can(Role.OPERATOR) && facts.archivedAt() == null,
                viewer.can(Role.OPERATOR) && agent.revoked() && facts.archivedAt() == null,
                facts.archivedAt(),
                SignedInUsers.of(facts.sessions(), states, viewer.tenantId(), agent.id()));
    }

    /** The export's columns, in order. */
    static final List<String> CSV_COLUMNS = List.of(
            "id",
            "hostname",
            "state",
            "never_connected",
            "revoked",
            "os",
            "arch",
            "version",
            "labels",
            "last_seen",
            "enrolled");

    private static List<String> csv(Fleet.Row r) {
        return java.util.Arrays.asList(
                r.id(),
                r.hostname(),
                r.state().wire(),
                Boolean.toString(r.neverConnected()),
                Boolean.toString(r.revoked()),
                r.os(),
                r.arch(),
                r.version(),
                String.join(" ", r.labels()),
                Format.iso(r.lastHeartbeat()),
                Format.iso(r.enrolledAt()));
    }
}
