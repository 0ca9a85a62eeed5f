package io.enginex.edge.agent.graph;

/** Where a step of a run stands, as its run file records it. */
public enum StepState {
    /** Not reached yet. */
    PENDING,
    /** An attempt was journaled as started and no outcome followed (yet). */
    RUNNING,
    /** It needs a person's approval, asked for and not yet given: the run waits, across restarts. */
    AWAITING_APPROVAL,
    SUCCEEDED,
    /** Failed on its last allowed attempt, or for good (refused by policy, bad arguments). */
    FAILED,
    /** Not run: its condition was false, or a dependency did not succeed. */
    SKIPPED,
    /** It may have started before the agent died, and its tool is not idempotent: never run again. */
    INTERRUPTED;

    /** Whether the step reached its end. */
    public boolean settled() {
        return this != PENDING && this != RUNNING && this != AWAITING_APPROVAL;
    }

    @com.fasterxml.jackson.annotation.JsonValue
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
