package io.enginex.edge.agent.journal;

/** What the journal knows about a job id. Handle with an exhaustive {@code switch}. */
public sealed interface JobStatus {
    /** Never seen: run it. */
    record New() implements JobStatus {}

    /** Begun by this process and still running: its result will follow. */
    record Running() implements JobStatus {}

    /** Begun by an earlier process that stopped before it finished: never run it again. */
    record Interrupted() implements JobStatus {}

    /** Finished: answer from the stored outcome. */
    record Finished(JobOutcome outcome) implements JobStatus {}
}
