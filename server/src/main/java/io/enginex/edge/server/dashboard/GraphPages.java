package io.enginex.edge.server.dashboard;

import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphException;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.graph.Retry;
import io.enginex.edge.common.graph.Step;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.graph.GraphRunLog;
import io.enginex.edge.server.graph.Graphs;
import io.enginex.edge.server.store.GraphRecord;
import io.enginex.edge.server.store.GraphRunRecord;
import io.enginex.edge.server.store.GraphRunStepRecord;
import io.enginex.edge.server.store.GraphVersionRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenant's graphs (docs/GRAPHS.md), read-only for every role, as the API's {@code …/graphs}:
 *
 * <ul>
 *   <li>{@code GET /ui/graphs}: every graph (scope, latest version, withdrawn) and the latest runs of
 *       graph files run on the machines;
 *   <li>{@code GET /ui/graphs/{id}[?version=N]}: the graph's steps as an ordered list in run order, each
 *       with the edges into it (the steps it waits for), its condition and the steps that wait for it;
 *       its versions (which one agents get, who made each) and its latest {@value #RUNS} runs with their
 *       steps, device and arrival times;
 *   <li>{@code GET /ui/graph-runs/{runId}}: one uploaded run with every step record, error and output.
 *   <li>{@code GET /ui/graph-runs/{runId}/steps/{step}/output}: a step output the agent uploaded as a
 *       file, as a download (audited).
 * </ul>
 *
 * Graphs are defined with the API or {@code engine graphs}; the pages change nothing.
 */
public final class GraphPages implements PageGroup {
    /** How many of a graph's runs its page shows, with their steps. */
    public static final int RUNS = 20;

    /** How many runs of graph files the list shows. */
    static final int LOCAL_RUNS = 20;

    private final Graphs graphs;
    private final GraphRunLog runs;
    private final GraphFormat format;
    private final Logins logins;
    private final io.enginex.edge.server.graph.GraphApprovals approvals;

    private final io.enginex.edge.server.graph.GraphOutputs outputs;

    GraphPages(
            Graphs graphs,
            GraphRunLog runs,
            io.enginex.edge.server.graph.GraphOutputs outputs,
            GraphFormat format,
            Logins logins,
            io.enginex.edge.server.graph.GraphApprovals approvals) {
        this.outputs = outputs;
        this.logins = logins;
        this.approvals = approvals;
        this.graphs = graphs;
        this.runs = runs;
        this.format = format;
    }

    /** The list's model. */
    public record GraphsView(Page page, List<GraphRecord> graphs, List<GraphRunRecord> localRuns) {}

    /**
     * One step of the drawn graph.
     *
     * @param position 1-based, in run order
     * @param after the steps it waits for (the edges into it); each must have succeeded
     * @param when its condition as written, or null
     * @param then the steps that wait for it (the edges out of it)
     */
    public record StepView(
            int position,
            String id,
            String tool,
            List<String> after,
            String when,
            List<String> then,
            long timeoutSeconds,
            String retry,
            String args) {}

    /**
     * A run with its step records.
     *
     * @param interrupted how many of its steps are {@code interrupted}
     * @param consents by step id: how the person at the machine answered before the step's last attempt
     *     ran a {@code consentRequired} tool, as the job page shows a job's ({@link JobCard.Consent})
     */
    public record RunView(
            GraphRunRecord run,
            List<GraphRunStepRecord> steps,
            long interrupted,
            Map<String, JobCard.Consent> consents) {
        private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
                new com.fasterxml.jackson.databind.ObjectMapper();

        static RunView of(GraphRunRecord run, List<GraphRunStepRecord> steps) {
            Map<String, JobCard.Consent> consents = new java.util.HashMap<>();
            steps.stream()
                    .filter(s -> s.consentJson() != null)
                    .forEach(s -> consents.put(s.id(), JobCard.Consent.of(s.consentJson(), JSON)));
            return new RunView(
                    run,
                    steps,
                    steps.stream().filter(s -> s.state().equals("interrupted")).count(),
                    Map.copyOf(consents));
        }

        /** The consent answer of {@code step}, or null when it asked nobody. */
        public JobCard.Consent consent(GraphRunStepRecord step) {
            return consents.get(step.id());
        }
    }

    /**
     * The graph page's model.
     *
     * @param shown the version whose steps are drawn
     * @param steps {@code shown}'s steps, empty when {@code problem} is set
     * @param schedule the schedule as written ({@code 30 2 * * 1-5 Europe/Berlin}), or null
     * @param problem why the stored document could not be read, or null
     */
    public record GraphView(
            Page page,
            GraphRecord graph,
            GraphVersionRecord shown,
            List<StepView> steps,
            String schedule,
            String problem,
            List<GraphVersionRecord> versions,
            List<RunView> runs,
            Map<String, String> people) {
        /** Who made or withdrew a version, by name or e-mail (see {@link UserPages#person}). */
        public String who(String actorId) {
            return UserPages.person(people, actorId);
        }
    }

    /**
     * The run page's model.
     *
     * @param graph null for a run of a graph file (or of a graph gone since)
     * @param waiting the run's steps that wait for approval on the hub, each linked to its approval page
     */
    public record RunPageView(
            Page page,
            RunView run,
            GraphRecord graph,
            List<io.enginex.edge.server.store.GraphApprovalRecord> waiting) {}

    @Override
    public void register(Pages pages) {
        pages.get(
                "/ui/graphs",
                Role.VIEWER,
                (ctx, viewer) -> pages.render(
                        ctx,
                        "graphs.jte",
                        new GraphsView(
                                pages.page("Graphs", viewer, "graphs"),
                                graphs.list(viewer.caller(), viewer.tenantId()),
                                runs.localRuns(viewer.caller(), viewer.tenantId(), LOCAL_RUNS))));
        pages.get("/ui/graphs/{id}", Role.VIEWER, (ctx, viewer) -> {
            String tenant = viewer.tenantId();
            GraphRecord graph = graphs.find(viewer.caller(), tenant, ctx.pathParam("id"));
            int number = version(ctx.queryParam("version"), graph);
            GraphVersionRecord shown = graphs.version(viewer.caller(), tenant, graph.id(), number);
            List<StepView> steps = List.of();
            String schedule = null;
            String problem = null;
            try {
                Graph parsed = format.parse(shown.document(), "graph");
                steps = steps(parsed);
                schedule = parsed.schedule()
                        .map(s -> s.cron() + " " + s.zone().getId())
                        .orElse(null);
            } catch (GraphException e) {
                problem = e.getMessage(); // a version stored before a rule the format has now
            }
            List<RunView> latest = runs.runsOf(viewer.caller(), tenant, graph.id()).stream()
                    .limit(RUNS)
                    .map(r -> RunView.of(
                            r, runs.run(viewer.caller(), tenant, r.runId()).steps()))
                    .toList();
            pages.render(
                    ctx,
                    "graph.jte",
                    new GraphView(
                            pages.page("Graph " + graph.name(), viewer, "graphs"),
                            graph,
                            shown,
                            steps,
                            schedule,
                            problem,
                            graphs.versions(viewer.caller(), tenant, graph.id()).reversed(),
                            latest,
                            UserPages.people(viewer, logins)));
        });
        pages.get("/ui/graph-runs/{runId}", Role.VIEWER, (ctx, viewer) -> {
            GraphRunLog.Run run = runs.run(viewer.caller(), viewer.tenantId(), ctx.pathParam("runId"));
            GraphRecord graph = null;
            if (run.run().graphId() != null) {
                try {
                    graph = graphs.find(
                            viewer.caller(), viewer.tenantId(), run.run().graphId());
                } catch (HubException.NotFound e) {
                    // the run names a graph id the tenant does not have (standing "unknown")
                }
            }
            pages.render(
                    ctx,
                    "graph-run.jte",
                    new RunPageView(
                            pages.page("Run " + run.run().runId(), viewer, "graphs"),
                            RunView.of(run.run(), run.steps()),
                            graph,
                            approvals.list(
                                    viewer.caller(),
                                    viewer.tenantId(),
                                    io.enginex.edge.server.store.GraphApprovalRecord.WAITING,
                                    run.run().runId())));
        });
        pages.get("/ui/graph-runs/{runId}/steps/{step}/output", Role.VIEWER, (ctx, viewer) -> {
            String runId = ctx.pathParam("runId");
            String step = ctx.pathParam("step");
            outputs.download(
                    viewer.caller(),
                    viewer.tenantId(),
                    runId,
                    step,
                    io.enginex.edge.server.auth.Origin.dashboard(ctx.ip()),
                    (bytes, sha256) -> {
                        ctx.contentType("application/json");
                        ctx.header("Content-Length", Long.toString(bytes));
                        ctx.header("X-Content-SHA256", sha256);
                        ctx.header("Content-Disposition", "attachment; filename=\"" + runId + "-" + step + ".json\"");
                        return ctx.res().getOutputStream();
                    });
        });
    }

    private static int version(String text, GraphRecord graph) {
        if (text == null || text.isBlank()) {
            return graph.latestVersion();
        }
        try {
            return Integer.parseInt(text.strip());
        } catch (NumberFormatException e) {
            throw new HubException.BadRequest(
                    "invalid_version", "version must be a number from 1 to " + graph.latestVersion() + ", not " + text);
        }
    }

    /** The steps in run order, each with the edges into and out of it. */
    static List<StepView> steps(Graph graph) {
        Map<String, List<String>> then = new LinkedHashMap<>();
        graph.steps().forEach(s -> then.put(s.id(), new ArrayList<>()));
        for (Step s : graph.steps()) {
            s.dependsOn().forEach(d -> then.get(d).add(s.id()));
        }
        List<StepView> out = new ArrayList<>();
        int position = 1;
        for (Step s : graph.steps()) {
            out.add(new StepView(
                    position++,
                    s.id(),
                    s.tool(),
                    s.dependsOn(),
                    s.when().map(Object::toString).orElse(null),
                    List.copyOf(then.get(s.id())),
                    s.timeout().toSeconds(),
                    retry(s.retry()),
                    s.args().toString()));
        }
        return out;
    }

    private static String retry(Retry retry) {
        if (retry.maxAttempts() <= 1) {
            return "no retry";
        }
        return "up to " + retry.maxAttempts() + " attempts, "
                + retry.initialDelay().toMillis() + " ms × " + retry.multiplier() + " after each, at most "
                + retry.maxDelay().toMillis() + " ms";
    }
}
