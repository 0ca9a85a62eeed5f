package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.graph.Step;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs graphs: one step at a time in the graph's order, each through {@link StepCalls} (the agent's
 * job machinery), every attempt journaled in the {@link RunJournal} before the call and every outcome
 * after. Rules: a step runs once all its dependencies succeeded (else it is skipped) and its {@code
 * when} holds (else skipped); a failure is tried again after the step's backoff unless it is
 * permanent (policy, arguments, unknown tool, pause); a step whose attempt may have started and has no
 * outcome is called again only when its tool is idempotent, else marked {@code interrupted}; a step
 * that needs approval waits for a decision ({@link StepApprovals}, {@link #decide}), and with it the
 * steps after it, while the others run; the run stays unfinished until it is decided.
 *
 * <p>Runs on the calling thread; {@link #stop} may be called from any thread (a shutdown hook).
 */
public final class GraphRunner {
    /** What the runner works with. */
    public record Parts(
            StepCalls calls, RunJournal runs, Sleeper sleeper, RunListener listener, StepApprovals approvals) {
        /** Parts whose approval steps wait for {@link GraphRunner#decide}. */
        public Parts(StepCalls calls, RunJournal runs, Sleeper sleeper, RunListener listener) {
            this(calls, runs, sleeper, listener, StepApprovals.WAIT);
        }
    }

    private final Parts parts;
    private volatile boolean stopping;

    public GraphRunner(Parts parts) {
        this.parts = parts;
    }

    /** Journals a new run of {@code graph} with {@code input} and runs it. */
    public RunRecord run(Graph graph, JsonNode document, JsonNode input) {
        return run(graph, document, input, null, null);
    }

    /** Runs a graph the hub assigned: its run file records the hub's graph id and version. */
    public RunRecord run(Graph graph, JsonNode document, JsonNode input, String hubGraphId, Integer hubVersion) {
        return drive(parts.runs().start(graph, document, input, hubGraphId, hubVersion), graph);
    }

    /**
     * Goes on with an unfinished run from its last settled step, with the graph it started with.
     *
     * @throws IllegalArgumentException when the run is unknown or already ended
     */
    public RunRecord resume(String runId, GraphFormat format) {
        RunRecord run = parts.runs().read(runId);
        if (run.ended()) {
            throw new IllegalArgumentException("run " + runId + " already ended (" + run.status()
                    + "); start a new run with enginex-agent graph run FILE");
        }
        return drive(runId, format.parse(run.graph().toString(), runId));
    }

    /**
     * Records, durably, the decision on a step of {@code runId} that waits for approval; {@link
     * #resume} then runs it (approved) or fails it with the reason (denied). Call it while the run is
     * not being driven (a waiting run has returned from {@link #run}/{@link #resume}).
     *
     * @throws IllegalArgumentException when the run is unknown or ended, or the step does not wait for
     *     approval (never asked, or decided already)
     */
    public void decide(String runId, String stepId, StepApprovals.Decision decision) {
        decide(runId, stepId, decision, null);
    }

    /**
     * {@link #decide(String, String, StepApprovals.Decision)} of a decision made on the hub: its id is
     * journalled with it, so the same decision received again is recognised ({@link HubApprovals}).
     */
    public void decide(String runId, String stepId, StepApprovals.Decision decision, String decisionId) {
        RunRecord run = parts.runs().read(runId);
        StepRecord step = run.steps().get(stepId);
        if (run.ended() || step == null || step.state() != StepState.AWAITING_APPROVAL || step.error() != null) {
            throw new IllegalArgumentException("step " + stepId + " of run " + runId + " does not wait for approval"
                    + (step == null
                            ? " (no such step)"
                            : " (it is " + step.state().label() + ")")
                    + "; list runs with enginex-agent graph runs");
        }
        parts.runs()
                .approval(
                        runId,
                        stepId,
                        decision.approved() ? "approved" : "denied",
                        decision.by(),
                        decision.reason(),
                        decisionId);
    }

    /** No new attempt starts after this; the run stays unfinished, to be resumed. */
    public void stop() {
        stopping = true;
    }

    private RunRecord drive(String runId, Graph graph) {
        parts.runs().limit(graph);
        RunRecord run = parts.runs().read(runId);
        Map<String, JsonNode> outputs = new HashMap<>();
        run.steps().values().stream()
                .filter(s -> s.state() == StepState.SUCCEEDED)
                .forEach(s -> outputs.put(
                        s.step(),
                        s.outputFile() == null ? s.output() : parts.runs().output(runId, s)));
        Map<String, StepState> states = new HashMap<>();
        // Steps waiting for approval, and the steps after them: left as they are, while the others run.
        java.util.Set<String> waiting = new java.util.HashSet<>();
        for (Step step : graph.steps()) {
            if (step.dependsOn().stream().anyMatch(waiting::contains)) {
                waiting.add(step.id());
                continue;
            }
            StepState state = new StepExecution(runId, step, parts, run, outputs, () -> stopping).execute(states);
            if (state == StepState.AWAITING_APPROVAL) {
                waiting.add(step.id());
                continue;
            }
            if (!state.settled()) {
                return parts.runs().read(runId);
            }
            states.put(step.id(), state);
        }
        if (!waiting.isEmpty()) {
            return parts.runs().read(runId); // unfinished until a decision comes and the run is resumed
        }
        String status = states.containsValue(StepState.INTERRUPTED)
                ? "interrupted"
                : states.containsValue(StepState.FAILED) ? "failed" : "succeeded";
        parts.runs().ended(runId, status);
        parts.listener().ended(runId, status);
        return parts.runs().read(runId);
    }
}
