package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import java.time.Duration;

/**
 * How a graph step reaches a tool: as a job of the agent's own job machinery ({@link JobRunnerCalls}),
 * so the same tools, sandbox, policy, audit, vault redaction and at-most-once job journal apply.
 */
public interface StepCalls {
    /**
     * Runs {@code tool} once as job {@code jobId}; returns when its outcome is journaled.
     *
     * @param timeout how long the call may take; past it the outcome is {@code deadline_exceeded}
     */
    JobOutcome call(String jobId, String tool, JsonNode args, Duration timeout);

    /**
     * As {@link #call(String, String, JsonNode, Duration)}, for a step a person approved: the job
     * carries {@code approvedBy}, as a hub job approved on the hub does, so tools and templates the
     * policy marks approval-required may run.
     *
     * @param approvedBy who approved it, or null
     */
    default JobOutcome call(String jobId, String tool, JsonNode args, Duration timeout, String approvedBy) {
        return call(jobId, tool, args, timeout);
    }

    /**
     * As {@link #call(String, String, JsonNode, Duration, String)}, naming for people who asked for the
     * job ({@code requestedBy}, e.g. {@code graph nightly-report (run run_…, step pay)}): a person asked
     * for consent (a {@code consentRequired} tool, a {@code use: consent} secret) is shown it.
     */
    default JobOutcome call(
            String jobId, String tool, JsonNode args, Duration timeout, String approvedBy, String requestedBy) {
        return call(jobId, tool, args, timeout, approvedBy);
    }

    /** What the job journal knows of {@code jobId} (after a crash: begun and never finished = interrupted). */
    JobStatus prior(String jobId);

    /**
     * Whether a call of {@code tool} may be repeated safely: its descriptor's annotations say it is
     * read-only or idempotent. Unknown tools and tools without annotations are not.
     */
    boolean idempotent(String tool);

    /**
     * Records in the audit log that job {@code jobId}, begun by a process that died, is settled as
     * interrupted without being called again (its begin was journaled but no audit line was written).
     */
    default void recordInterrupted(String jobId, String tool, JsonNode args, JobOutcome outcome) {}
}
