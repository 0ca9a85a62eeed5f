package io.enginex.edge.server.dispatch;

import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.JobStore.Outcome;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Long-poll support: callers wait for a job to finish without polling the database. The dispatcher
 * calls {@link #finished(String, Outcome)} when it records an agent's result, and the waiters answer
 * from it and the job as they read it before waiting, without reading it again; {@link
 * #finished(String)} (deadline, denial, refusal) makes them read the job. Thread-safe.
 *
 * <p>Race-free by construction: the waiter is registered <em>before</em> the job is read, so an
 * outcome recorded between the read and the wait still completes the future. Only outcomes recorded
 * by this node complete futures; several nodes would add a database notification here.
 */
public final class JobWaiters {
    private final JobStore jobs;
    private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();

    public JobWaiters(JobStore jobs) {
        this.jobs = jobs;
    }

    private static final class Waiter {
        // The recorded outcome, or null when the waiters must read the job.
        final CompletableFuture<Outcome> done = new CompletableFuture<>();
        int count;
    }

    /**
     * Returns the job once it is finished, or as it is when {@code wait} passes. Blocks the calling
     * (virtual) thread.
     *
     * @return empty if the tenant has no such job
     */
    public Optional<Job> await(String tenantId, String jobId, Duration wait) throws InterruptedException {
        Waiter waiter = waiters.compute(jobId, (id, w) -> {
            Waiter out = w == null ? new Waiter() : w;
            out.count++;
            return out;
        });
        try {
            Optional<Job> job = jobs.find(tenantId, jobId);
            if (job.isEmpty() || job.get().state().terminal() || wait.isZero()) {
                return job;
            }
            Outcome outcome = null;
            try {
                outcome = waiter.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the wait ended without an outcome: answer with the job as it is
            }
            if (outcome != null && outcome.finishedAt() != null) {
                return Optional.of(jobs.completed(job.get(), outcome));
            }
            return jobs.find(tenantId, jobId);
        } finally {
            waiters.computeIfPresent(jobId, (id, w) -> --w.count == 0 ? null : w);
        }
    }

    /** Wakes everyone waiting for {@code jobId}; they read the job. */
    public void finished(String jobId) {
        finished(jobId, null);
    }

    /**
     * Wakes everyone waiting for {@code jobId} with the outcome {@link JobStore#complete} recorded
     * first (committed), which they answer without reading the job again.
     */
    public void finished(String jobId, Outcome outcome) {
        Waiter waiter = waiters.get(jobId);
        if (waiter != null) {
            waiter.done.complete(outcome);
        }
    }

    /** Number of jobs someone waits for (for tests and metrics). */
    public int waiting() {
        return waiters.size();
    }
}
