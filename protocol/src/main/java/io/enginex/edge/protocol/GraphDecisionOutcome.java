package io.enginex.edge.protocol;

import java.util.Set;

/**
 * Agent → hub: what became of a {@link GraphDecision} (added in protocol 1.0 without a version change).
 *
 * <pre>{@code
 * {"type":"graphDecisionOutcome","id":"a-31","decisionId":"gap_…","runId":"run_…","step":"pay",
 *  "outcome":"applied","message":"approved by alice@acme.example; the step runs"}
 * }</pre>
 *
 * @param outcome {@value #APPLIED} (journalled and the run goes on; also the answer to a repeated frame),
 *     {@value #ALREADY_DECIDED} (decided before by someone else, e.g. at the machine), {@value #NOT_WAITING}
 *     (the run or step is unknown, ended or does not wait for approval), {@value #GRAPH_WITHDRAWN} (the
 *     graph is no longer assigned to the agent: the step is not run)
 * @param message one sentence for the person who decided
 */
public record GraphDecisionOutcome(
        String id, String decisionId, String runId, String step, String outcome, String message) implements Message {
    public static final String TYPE = "graphDecisionOutcome";
    public static final String APPLIED = "applied";
    public static final String ALREADY_DECIDED = "already_decided";
    public static final String NOT_WAITING = "not_waiting";
    public static final String GRAPH_WITHDRAWN = "graph_withdrawn";
    private static final Set<String> OUTCOMES = Set.of(APPLIED, ALREADY_DECIDED, NOT_WAITING, GRAPH_WITHDRAWN);

    public GraphDecisionOutcome {
        Messages.requireText(id, "id");
        Messages.requireText(decisionId, "decisionId");
        Messages.requireText(runId, "runId");
        Messages.requireText(step, "step");
        if (!OUTCOMES.contains(outcome)) {
            throw new IllegalArgumentException("outcome must be one of " + OUTCOMES + ", not " + outcome);
        }
        message = message == null ? "" : message;
    }
}
