package io.enginex.edge.bench.fleet;

/** How the load driver runs one job to its end: over REST ({@link JobClient}) or a runtime channel. */
public interface JobRunner {
    /**
     * Creates a job for {@code agentId} running the no-op tool with {@code idempotencyKey} and waits
     * for its end.
     *
     * @return its final state
     * @throws JobClient.JobError when it was refused, or did not end before {@code deadlineNanos}
     */
    String run(String agentId, String idempotencyKey, long deadlineNanos)
            throws JobClient.JobError, InterruptedException;
}
