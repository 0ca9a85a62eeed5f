package io.enginex.edge.agent.journal;

/**
 * How much the journal keeps.
 *
 * @param maxJobs job ids remembered; older ones are forgotten at compaction (the hub stops
 *     redelivering a job long before that many newer ones ran)
 * @param maxResultBytes total size of stored outputs; beyond it the oldest outputs are replaced by a
 *     short note (the id is still remembered, so the job is still never run twice)
 */
public record JournalLimits(int maxJobs, long maxResultBytes) {
    /** 10 000 jobs, 64 MiB of outputs. */
    public static final JournalLimits DEFAULT = new JournalLimits(10_000, 64L << 20);

    public JournalLimits {
        if (maxJobs < 1) {
            throw new IllegalArgumentException("maxJobs must be at least 1, got " + maxJobs);
        }
        if (maxResultBytes < 0) {
            throw new IllegalArgumentException("maxResultBytes must not be negative, got " + maxResultBytes);
        }
    }
}
