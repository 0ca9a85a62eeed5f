package io.enginex.edge.agent.tools;

import io.enginex.edge.protocol.ErrorCodes;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * What a running tool may know about its job: the deadline, a way to report progress, and whether it
 * should stop.
 *
 * @param jobId the job this call serves, for logs
 * @param deadline when the hub stops waiting; the runner interrupts the call at that moment
 * @param progress receives progress reports; each becomes a {@code progress} frame (and renews the
 *     job's lease at the hub)
 * @param stopRequested true once the job was cancelled or passed its deadline
 * @param approvedBy who approved the job on the hub (the dispatch's {@code approvedBy}), or null when
 *     the hub sent it without approval; tools and templates the policy marks approval-required run
 *     only when it is set
 * @param processes told each process tree a tool starts (the runner journals it, so an agent killed
 *     while it runs can end it at its next start)
 * @param secrets the vault secrets this call may use ({@code secret:NAME}), resolved at the last moment
 *     and redacted from the outcome by the runner
 */
public record ToolContext(
        String jobId,
        Instant deadline,
        Clock clock,
        ProgressListener progress,
        BooleanSupplier stopRequested,
        String approvedBy,
        ProcessListener processes,
        JobSecrets secrets) {

    /** A context whose job may use no vault secret. */
    public ToolContext(
            String jobId,
            Instant deadline,
            Clock clock,
            ProgressListener progress,
            BooleanSupplier stopRequested,
            String approvedBy,
            ProcessListener processes) {
        this(jobId, deadline, clock, progress, stopRequested, approvedBy, processes, JobSecrets.none(jobId));
    }

    /** A context whose started processes nobody records. */
    public ToolContext(
            String jobId,
            Instant deadline,
            Clock clock,
            ProgressListener progress,
            BooleanSupplier stopRequested,
            String approvedBy) {
        this(jobId, deadline, clock, progress, stopRequested, approvedBy, (id, startedAt) -> {});
    }

    /** A context for a job nobody approved. */
    public ToolContext(
            String jobId, Instant deadline, Clock clock, ProgressListener progress, BooleanSupplier stopRequested) {
        this(jobId, deadline, clock, progress, stopRequested, null);
    }

    /** The time until the deadline, at least 1 ms (a past deadline leaves a request no time, not a negative one). */
    public Duration timeLeft() {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }

    /** Receives a tool's progress reports. */
    @FunctionalInterface
    public interface ProgressListener {
        /**
         * @param fraction share done in [0, 1], or null when unknown
         */
        void report(String message, Double fraction);
    }

    /** A context with no deadline pressure and nowhere to report to, for tests and local calls. */
    public static ToolContext detached(String jobId, Instant deadline, Clock clock) {
        return new ToolContext(jobId, deadline, clock, (message, fraction) -> {}, () -> false);
    }

    /** Receives the process trees a tool starts. */
    @FunctionalInterface
    public interface ProcessListener {
        /**
         * @param id the tree's id (process group id on Linux, the child's pid elsewhere)
         * @param startedAt when its first process started, to tell a reused id apart
         */
        void started(long id, Instant startedAt);
    }

    /** True when a person approved this job on the hub. */
    public boolean approved() {
        return approvedBy != null && !approvedBy.isBlank();
    }

    /** Reports progress; cheap enough to call every few hundred milliseconds. */
    public void progress(String message, Double fraction) {
        progress.report(message, fraction);
    }

    /**
     * Ends the call with {@link ToolException} once the job should stop (cancelled, past deadline,
     * or the thread was interrupted). The runner turns it into the right error code.
     */
    public void checkCancelled() {
        if (stopRequested.getAsBoolean() || Thread.currentThread().isInterrupted()) {
            throw new ToolException(ErrorCodes.CANCELLED, "job " + jobId + " was stopped");
        }
    }
}
