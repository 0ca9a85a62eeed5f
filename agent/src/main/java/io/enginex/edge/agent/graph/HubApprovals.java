package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.graph.References;
import io.enginex.edge.common.graph.Step;
import io.enginex.edge.protocol.GraphApproval;
import io.enginex.edge.protocol.GraphDecision;
import io.enginex.edge.protocol.GraphDecisionOutcome;
import io.enginex.edge.protocol.GraphLocalDecision;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The hub's side of approval steps, on the agent: which steps of the hub's graphs wait for approval (told
 * to the hub in {@code graphApproval} frames) and how a {@code graphDecision} from the hub is applied. A
 * decision is journalled with its id ({@code decisionId} on the run file's {@code approval} line), so the
 * same decision received again is answered {@code applied} and runs nothing; a decision for a step that
 * no longer waits is answered with what became of it. Not thread-safe: {@link #apply} must run on the
 * thread that drives the runs (the runs are not driven meanwhile); {@link #waiting} only reads.
 */
public final class HubApprovals {
    /** The value that replaces a field that looks like a secret. */
    static final String REDACTED = "[redacted]";

    /** How a decision made at the machine names who made it: {@code local:ACCOUNT}. */
    public static final String LOCAL = "local:";

    private static final Pattern SECRET_FIELD =
            Pattern.compile("(?i).*(secret|password|passwd|token|apikey|api_key|authorization|credential).*");

    private final RunJournal runs;
    private final GraphFormat format;

    public HubApprovals(RunJournal runs, GraphFormat format) {
        this.runs = runs;
        this.format = format;
    }

    /** What {@link #apply} did: the outcome to send, and whether the run is to be resumed now. */
    public record Applied(String outcome, String message, boolean resume) {
        /** The frame that answers {@code decision}. */
        public GraphDecisionOutcome frame(String id, GraphDecision decision) {
            return new GraphDecisionOutcome(
                    id, decision.decisionId(), decision.runId(), decision.step(), outcome, message);
        }
    }

    /**
     * Every step of an unfinished run of a hub graph that waits for approval without a decision, oldest
     * run first, as {@code graphApproval} frames with ids from {@code ids}. Runs of graph files ({@code graph
     * run FILE}) are not told to the hub: they are decided with {@code graph decide}.
     */
    public List<GraphApproval> waiting(Supplier<String> ids) {
        List<GraphApproval> frames = new ArrayList<>();
        for (RunRecord run : runs.list()) {
            if (run.ended() || run.graphId() == null) {
                continue;
            }
            for (StepRecord step : run.steps().values()) {
                if (step.state() == StepState.AWAITING_APPROVAL && step.error() == null) {
                    frames.add(frame(ids.get(), run, step.step()));
                }
            }
        }
        return frames;
    }

    /**
     * Every decision made at the machine (an {@code approval} line of {@code local:…} without a hub decision id)
     * on a step of a run of a hub graph kept here, oldest run first, as {@code graphLocalDecision} frames with ids
     * from {@code ids}: the hub marks the approval it still shows waiting decided at the machine (a repeat
     * changes nothing there).
     */
    public List<GraphLocalDecision> decidedHere(Supplier<String> ids) {
        List<GraphLocalDecision> frames = new ArrayList<>();
        for (RunRecord run : runs.list()) {
            if (run.graphId() != null) {
                for (JsonNode step : run.graph().path("steps")) {
                    if (step.has("approval")) {
                        decidedHere(ids, run.runId(), step.path("id").asText()).ifPresent(frames::add);
                    }
                }
            }
        }
        return frames;
    }

    /** The decision made at the machine on {@code stepId} of {@code runId}, as a frame, if it was decided there. */
    public Optional<GraphLocalDecision> decidedHere(Supplier<String> ids, String runId, String stepId) {
        return runs.approvals(runId, stepId).stream()
                .filter(l -> !l.path("decision").asText().equals("requested"))
                .filter(l -> !l.hasNonNull("decisionId"))
                .filter(l -> l.path("by").asText().startsWith(LOCAL))
                .findFirst()
                .map(l -> new GraphLocalDecision(
                        ids.get(),
                        runId,
                        stepId,
                        l.path("decision").asText().equals("approved"),
                        l.path("by").asText(),
                        l.path("reason").asText(""),
                        Instant.parse(l.path("at").asText())));
    }

    /**
     * Applies a decision from the hub: journals it (forced to the device) when the step waits for one,
     * then the caller resumes the run ({@link Applied#resume}).
     *
     * @param assigned whether the hub graph of that id is still assigned to this agent
     */
    public Applied apply(GraphDecision decision, GraphRunner runner, Predicate<String> assigned) {
        String reason = decision.reason().isEmpty() ? null : decision.reason();
        return apply(
                decision.runId(),
                decision.step(),
                new StepApprovals.Decision(decision.approved(), decision.by(), reason),
                decision.decisionId(),
                runner,
                assigned);
    }

    /**
     * Applies a decision of the person at the machine made while the agent runs ({@code graph decide}
     * through the local API, or the status page), by the same rules as a hub decision: the first decision,
     * hub or local, wins, and a later one is answered {@code already_decided} naming who. A run of a graph
     * file is not decided here (it is answered {@code not_waiting}: {@code graph decide} decides it while
     * the agent is stopped).
     */
    public Applied applyLocal(
            String runId,
            String stepId,
            StepApprovals.Decision decision,
            GraphRunner runner,
            Predicate<String> assigned) {
        RunRecord run;
        try {
            run = runs.read(runId);
        } catch (IllegalArgumentException e) {
            return new Applied(GraphDecisionOutcome.NOT_WAITING, "there is no run " + runId + " on the agent", false);
        }
        if (run.graphId() == null && !run.ended()) {
            return new Applied(
                    GraphDecisionOutcome.NOT_WAITING,
                    "run " + runId + " is a run of a graph file (graph run FILE), which the running agent does not"
                            + " drive; stop enginex-agent run and use enginex-agent graph decide",
                    false);
        }
        return apply(runId, stepId, decision, null, runner, assigned);
    }

    /** Applies {@code choice}; {@code decisionId} is the hub's, or null for a decision made at the machine. */
    private Applied apply(
            String runId,
            String stepId,
            StepApprovals.Decision choice,
            String decisionId,
            GraphRunner runner,
            Predicate<String> assigned) {
        RunRecord run;
        try {
            run = runs.read(runId);
        } catch (IllegalArgumentException e) {
            return new Applied(GraphDecisionOutcome.NOT_WAITING, "there is no run " + runId + " on the agent", false);
        }
        Optional<JsonNode> decided = runs.approvals(run.runId(), stepId).stream()
                .filter(l -> !l.path("decision").asText().equals("requested"))
                .reduce((first, second) -> second);
        if (decided.isPresent()) {
            JsonNode line = decided.get();
            if (decisionId != null && decisionId.equals(line.path("decisionId").asText(null))) {
                return new Applied(
                        GraphDecisionOutcome.APPLIED,
                        "applied when it first arrived ("
                                + line.path("decision").asText() + " by "
                                + line.path("by").asText() + "); not applied twice",
                        false);
            }
            return new Applied(
                    GraphDecisionOutcome.ALREADY_DECIDED,
                    "already decided by " + line.path("by").asText() + " ("
                            + line.path("decision").asText() + " at "
                            + line.path("at").asText() + ")",
                    false);
        }
        StepRecord step = run.steps().get(stepId);
        if (run.ended() || step == null || step.state() != StepState.AWAITING_APPROVAL) {
            return new Applied(
                    GraphDecisionOutcome.NOT_WAITING,
                    step == null
                            ? "run " + run.runId() + " has no step " + stepId
                            : "step " + stepId + " of run " + run.runId()
                                    + " does not wait for approval (it is "
                                    + step.state().label() + (run.ended() ? "; the run ended " + run.status() : "")
                                    + ")",
                    false);
        }
        if (run.graphId() != null && !assigned.test(run.graphId())) {
            return new Applied(
                    GraphDecisionOutcome.GRAPH_WITHDRAWN,
                    "graph " + run.graphName() + " (" + run.graphId() + ") is no longer assigned to this agent"
                            + " (withdrawn); the step was not run",
                    false);
        }
        runner.decide(run.runId(), stepId, choice, decisionId);
        return new Applied(
                GraphDecisionOutcome.APPLIED,
                (choice.approved()
                        ? "approved by " + choice.by() + "; the step runs now"
                        : "denied by " + choice.by() + "; the step fails with approval_denied"),
                true);
    }

    private GraphApproval frame(String id, RunRecord run, String stepId) {
        Graph graph = format.parse(run.graph().toString(), run.runId());
        Step step = graph.steps().stream()
                .filter(s -> s.id().equals(stepId))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("run " + run.runId() + " has no step " + stepId));
        Map<String, JsonNode> outputs = new HashMap<>();
        run.steps().values().stream()
                .filter(s -> s.state() == StepState.SUCCEEDED)
                .forEach(s -> outputs.put(s.step(), s.output()));
        JsonNode args;
        try {
            args = References.resolve(step.args(), run.input(), outputs);
        } catch (References.Unresolved e) {
            args = step.args(); // shown as written; the step fails on its reference when it runs
        }
        Instant requestedAt = runs.approvals(run.runId(), stepId).stream()
                .findFirst()
                .map(l -> Instant.parse(l.path("at").asText()))
                .orElse(run.startedAt());
        return new GraphApproval(
                id,
                run.runId(),
                stepId,
                run.graphId(),
                run.graphName(),
                run.graphVersion(),
                step.tool(),
                redacted(args),
                step.approval().orElse(""),
                requestedAt);
    }

    /** {@code node} with the value of every field whose name looks like a secret's replaced. */
    static JsonNode redacted(JsonNode node) {
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            node.properties()
                    .forEach(e -> copy.set(
                            e.getKey(),
                            SECRET_FIELD.matcher(e.getKey()).matches()
                                    ? TextNode.valueOf(REDACTED)
                                    : redacted(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            node.forEach(item -> copy.add(redacted(item)));
            return copy;
        }
        return node;
    }
}
