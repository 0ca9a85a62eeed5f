package io.enginex.edge.agent.graph;

import io.enginex.edge.protocol.ErrorInfo;
import java.time.Duration;

/** Told of a run's progress, on the running thread, after each event is journaled. Must not throw. */
public interface RunListener {
    RunListener NONE = new RunListener() {};

    default void attemptStarted(String runId, String step, String tool, int attempt) {}

    default void retrying(String runId, String step, int attempt, ErrorInfo error, Duration delay) {}

    default void settled(String runId, StepRecord record) {}

    /** The step needs a person's approval and has none yet: the run waits (it stays unfinished). */
    default void awaitingApproval(String runId, String step, String reason) {}

    default void ended(String runId, String status) {}
}
