package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.config.HumanDuration;
import io.enginex.edge.server.graph.GraphRunLog;
import io.enginex.edge.server.graph.Graphs;
import io.enginex.edge.server.store.GraphRecord;
import io.enginex.edge.server.store.GraphRunRecord;
import io.enginex.edge.server.store.GraphVersionRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;

/**
 * Graphs defined on the hub: {@code /api/v1/tenants/{t}/graphs}, over {@link Graphs}. Admins and
 * owners define graphs, add versions (each create takes an {@code Idempotency-Key}) and withdraw
 * them; every role of the tenant may read them, as tenant policies.
 */
final class GraphRoutes {
    private final Graphs graphs;
    private final GraphRunLog runs;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    private final io.enginex.edge.server.graph.GraphOutputs outputs;

    GraphRoutes(
            Graphs graphs,
            GraphRunLog runs,
            io.enginex.edge.server.graph.GraphOutputs outputs,
            ApiAccess access,
            ObjectMapper mapper,
            IdempotentResponder creates) {
        this.outputs = outputs;
        this.graphs = graphs;
        this.runs = runs;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    /** A graph in the API. */
    record GraphView(
            String id,
            String tenant,
            String name,
            String scope,
            int latestVersion,
            boolean withdrawn,
            Instant createdAt,
            String createdBy,
            Instant updatedAt,
            Instant withdrawnAt,
            String withdrawnBy) {
        static GraphView of(GraphRecord g) {
            return new GraphView(
                    g.id(),
                    g.tenantId(),
                    g.name(),
                    g.scope().wire(),
                    g.latestVersion(),
                    g.withdrawn(),
                    g.createdAt(),
                    g.createdBy(),
                    g.updatedAt(),
                    g.withdrawnAt(),
                    g.withdrawnBy());
        }
    }

    /**
     * One version; {@code source} (the document as uploaded), {@code document} (it, as JSON) and
     * {@code envelope} (the hub's signed envelope agents receive) only when one version is asked for.
     */
    record VersionView(
            String graphId,
            int version,
            String sha256,
            Instant createdAt,
            String createdBy,
            String source,
            JsonNode document,
            JsonNode envelope) {}

    /** The answer to a create: the graph and the version made. */
    record Made(GraphView graph, VersionView version) {}

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/graphs", this::list);
        routes.post("/api/v1/tenants/{t}/graphs", this::create, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/graphs/{id}", this::show);
        routes.get("/api/v1/tenants/{t}/graphs/{id}/versions", this::versions);
        routes.post("/api/v1/tenants/{t}/graphs/{id}/versions", this::addVersion, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/graphs/{id}/versions/{v}", this::version);
        routes.post("/api/v1/tenants/{t}/graphs/{id}/withdraw", this::withdraw);
        routes.post("/api/v1/tenants/{t}/graphs/{id}/start", this::start, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/graphs/{id}/runs", this::runs);
        routes.get("/api/v1/tenants/{t}/graph-runs/{runId}", this::run);
        routes.get("/api/v1/tenants/{t}/graph-runs/{runId}/steps/{step}/output", this::output);
        routes.get("/api/v1/tenants/{t}/graph-starts", this::starts);
        routes.get("/api/v1/tenants/{t}/graph-starts/{startId}", this::startOf);
        routes.post("/api/v1/tenants/{t}/graph-starts/{startId}/cancel", this::cancelStart);
    }

    /**
     * An uploaded run: {@code startedAt}/{@code endedAt} are the device's clock, {@code arrivedAt} (and
     * {@code endArrivedAt}, when the hub learnt it ended) the hub's; {@code standing} how its graph stood
     * when it arrived; {@code steps} only when one run is asked for.
     */
    record RunView(
            String runId,
            String tenant,
            String agentId,
            String graph,
            String graphId,
            Integer graphVersion,
            String standing,
            String status,
            String startId,
            JsonNode input,
            Instant startedAt,
            Instant endedAt,
            Instant arrivedAt,
            Instant endArrivedAt,
            java.util.List<StepView> steps) {}

    /** A step of an uploaded run; {@code settledAt} is the device's clock, {@code arrivedAt} the hub's. */
    record StepView(
            String id,
            String step,
            String state,
            int attempts,
            io.enginex.edge.protocol.ErrorInfo error,
            String reason,
            JsonNode output,
            boolean outputTruncated,
            String outputPreview,
            Long outputBytes,
            String outputSha256,
            Instant settledAt,
            Instant arrivedAt,
            OutputFileView outputFile,
            JsonNode consent) {}

    /**
     * A step output the agent keeps as a file: {@code receivedBytes} of {@code outputBytes} are on the
     * hub; once {@code complete}, {@code download} is where to get it.
     */
    record OutputFileView(long receivedBytes, boolean complete, String download) {}

    /** A step's output file, as it was uploaded ({@code X-Content-SHA256} is its hash), audited. */
    private void output(Context ctx) throws java.io.IOException {
        Caller caller = access.forTenant(ctx);
        String runId = ctx.pathParam("runId");
        String step = ctx.pathParam("step");
        outputs.download(caller, ctx.pathParam("t"), runId, step, Origin.api(ctx.ip()), (bytes, sha256) -> {
            ctx.contentType("application/json");
            ctx.header("Content-Length", Long.toString(bytes));
            ctx.header("X-Content-SHA256", sha256);
            ctx.header("Content-Disposition", "attachment; filename=\"" + runId + "-" + step + ".json\"");
            return ctx.res().getOutputStream();
        });
    }

    /** {@code ?startId=gst_…} keeps the run of that start from the hub (among the latest listed). */
    private void runs(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String startId = ctx.queryParam("startId");
        ctx.json(runs.runsOf(caller, ctx.pathParam("t"), ctx.pathParam("id")).stream()
                .map(r -> view(r, null))
                .filter(r -> startId == null || startId.equals(r.startId()))
                .toList());
    }

    private void run(Context ctx) {
        Caller caller = access.forTenant(ctx);
        GraphRunLog.Run run = runs.run(caller, ctx.pathParam("t"), ctx.pathParam("runId"));
        ctx.json(view(
                run.run(),
                run.steps().stream()
                        .map(s -> new StepView(
                                s.id(),
                                s.step(),
                                s.state(),
                                s.attempts(),
                                s.errorCode() == null
                                        ? null
                                        : new io.enginex.edge.protocol.ErrorInfo(s.errorCode(), s.errorMessage()),
                                s.reason(),
                                s.output() == null ? null : json(s.output()),
                                s.outputTruncated(),
                                s.outputPreview(),
                                s.outputBytes(),
                                s.outputSha256(),
                                s.settledAt(),
                                s.arrivedAt(),
                                s.outputFile()
                                        ? new OutputFileView(
                                                s.outputReceived(),
                                                s.outputComplete(),
                                                s.outputComplete()
                                                        ? "/api/v1/tenants/" + s.tenantId() + "/graph-runs/" + s.runId()
                                                                + "/steps/" + s.step() + "/output"
                                                        : null)
                                        : null,
                                s.consentJson() == null ? null : json(s.consentJson())))
                        .toList()));
    }

    private RunView view(GraphRunRecord r, java.util.List<StepView> steps) {
        JsonNode input = r.input() == null ? null : json(r.input());
        String startId = input != null && "hub".equals(input.path("trigger").asText())
                ? input.path("startId").asText(null)
                : null;
        return new RunView(
                r.runId(),
                r.tenantId(),
                r.agentId(),
                r.graphName(),
                r.graphId(),
                r.graphVersion(),
                r.standing(),
                r.status(),
                startId,
                input,
                r.startedAt(),
                r.endedAt(),
                r.arrivedAt(),
                r.endedArrivedAt(),
                steps);
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(graphs.list(caller, ctx.pathParam("t")).stream()
                .map(GraphView::of)
                .toList());
    }

    private void show(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(GraphView.of(graphs.find(caller, ctx.pathParam("t"), ctx.pathParam("id"))));
    }

    private void versions(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(graphs.versions(caller, ctx.pathParam("t"), ctx.pathParam("id")).stream()
                .map(v -> summary(v))
                .toList());
    }

    private void version(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String text = ctx.pathParam("v");
        int number;
        try {
            number = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new HubException.BadRequest(
                    "invalid_version", "a version is a whole number (1, 2, …), not \"" + text + "\"");
        }
        ctx.json(full(graphs.version(caller, ctx.pathParam("t"), ctx.pathParam("id"), number)));
    }

    private void create(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        var creation = graphs.create(
                caller,
                ctx.pathParam("t"),
                body.requiredText("scope"),
                source(body),
                Origin.api(ctx.ip()),
                made -> creates.created(made.graph().id(), made(made)));
        creates.respond(ctx, caller, creation);
    }

    private void addVersion(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        JsonBody body = JsonBody.read(ctx, mapper);
        var creation = graphs.addVersion(
                caller,
                ctx.pathParam("t"),
                ctx.pathParam("id"),
                body.text("scope", null),
                source(body),
                Origin.api(ctx.ip()),
                made -> creates.created(made.graph().id() + "@" + made.version().version(), made(made)));
        creates.respond(ctx, caller, creation);
    }

    /**
     * A start from the hub: {@code state} {@code queued} (stored, sent once its agent is connected),
     * {@code sent}, {@code cancelled} or {@code expired} (not sent before {@code expiresAt}); the run
     * the agent makes carries {@code startId}.
     */
    record StartView(
            String startId,
            String graphId,
            String graph,
            int version,
            String agentId,
            JsonNode input,
            String by,
            Instant at,
            Instant expiresAt,
            String state) {
        static StartView of(Graphs.Started s) {
            return new StartView(
                    s.startId(),
                    s.graphId(),
                    s.graph(),
                    s.version(),
                    s.agentId(),
                    s.input(),
                    s.by(),
                    s.at(),
                    s.expiresAt(),
                    s.state());
        }
    }

    /** {@code ?agentId=} keeps one agent's starts. */
    private void starts(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(graphs.starts(caller, ctx.pathParam("t"), ctx.queryParam("agentId")).stream()
                .map(StartView::of)
                .toList());
    }

    private void startOf(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(StartView.of(graphs.startOf(caller, ctx.pathParam("t"), ctx.pathParam("startId"))));
    }

    private void cancelStart(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(StartView.of(
                graphs.cancelStart(caller, ctx.pathParam("t"), ctx.pathParam("startId"), Origin.api(ctx.ip()))));
    }

    /** {@code expiresIn}: a duration like {@code "12h"}, or null when not given. */
    private static Duration expiresIn(JsonBody body) {
        JsonNode given = body.raw("expiresIn");
        if (given == null || given.isNull()) {
            return null;
        }
        try {
            if (!given.isTextual()) {
                throw new IllegalArgumentException("got " + given);
            }
            return HumanDuration.parse(given.asText());
        } catch (IllegalArgumentException e) {
            throw new HubException.BadRequest(
                    "invalid_expiry",
                    "\"expiresIn\" is how long the start may wait for the agent, a text like \"30m\", \"12h\" or"
                            + " \"2d\": " + e.getMessage());
        }
    }

    private void start(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.OPERATOR); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        var creation = graphs.start(
                caller,
                ctx.pathParam("t"),
                ctx.pathParam("id"),
                body.requiredText("agentId"),
                body.raw("input"),
                expiresIn(body),
                Origin.api(ctx.ip()),
                started -> creates.accepted(started.startId(), StartView.of(started)));
        creates.respond(ctx, caller, creation);
    }

    private void withdraw(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(GraphView.of(graphs.withdraw(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()))));
    }

    /** The graph's text: {@code source} as given (its lines are the user's), or {@code document} written out. */
    private String source(JsonBody body) {
        String source = body.text("source", null);
        JsonNode document = body.raw("document");
        boolean hasDocument = document != null && !document.isNull();
        if (source != null && hasDocument) {
            throw new HubException.BadRequest(
                    "invalid_graph", "give either \"source\" (the graph file's text) or \"document\", not both");
        }
        if (!hasDocument) {
            return source;
        }
        try {
            return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(document);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON document back out", e);
        }
    }

    private Made made(Graphs.Version made) {
        return new Made(GraphView.of(made.graph()), full(made.version()));
    }

    private static VersionView summary(GraphVersionRecord v) {
        return new VersionView(v.graphId(), v.version(), v.sha256(), v.createdAt(), v.createdBy(), null, null, null);
    }

    private VersionView full(GraphVersionRecord v) {
        return new VersionView(
                v.graphId(),
                v.version(),
                v.sha256(),
                v.createdAt(),
                v.createdBy(),
                v.document(),
                json(v.document()),
                json(v.envelope()));
    }

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a stored graph is not JSON", e);
        }
    }
}
