package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.graph.Step;
import io.enginex.edge.protocol.ErrorInfo;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the decision on a step that needs approval comes from, while its run waits. The runner asks
 * when the step is reached and again each time the run is driven (resumed) while it waits; a
 * decision made elsewhere reaches the run through {@link GraphRunner#decide}, journalled, and the
 * run is then resumed.
 */
@FunctionalInterface
public interface StepApprovals {
    /** The error code of a step whose approval was denied. */
    String DENIED = "approval_denied";

    /** Nobody here can decide: the step waits for a decision given through {@link GraphRunner#decide}. */
    StepApprovals WAIT = (runId, step) -> Optional.empty();

    /**
     * The decision on {@code step} of {@code runId}, if one can be had now; empty to keep waiting. Must
     * not throw; may block (it runs on the run's thread).
     */
    Optional<Decision> decide(String runId, Step step);

    /**
     * One decision.
     *
     * @param approved true to run the step, false to fail it
     * @param by who decided (a hub user, or the person at the machine)
     * @param reason why, for a denial (shown with the failed step); may be null for an approval
     */
    record Decision(boolean approved, String by, String reason) {
        public Decision {
            Objects.requireNonNull(by, "by");
            if (by.isBlank()) {
                throw new IllegalArgumentException("a decision names who made it");
            }
        }
    }

    /** The error a denied step settles with, from its journalled {@code approval} line. */
    static ErrorInfo denial(JsonNode line) {
        return new ErrorInfo(
                DENIED,
                "denied by " + line.path("by").asText("?")
                        + (line.hasNonNull("reason") ? ": " + line.get("reason").asText() : ""));
    }
}
