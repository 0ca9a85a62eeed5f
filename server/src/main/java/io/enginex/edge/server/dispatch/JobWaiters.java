package io.enginex.edge.server.dispatch;

import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Long-poll support: callers wait for a job to finish without polling the database. The dispatcher
 * calls {@link #finished(String)} when it records an outcome (result, deadline, cancel). Thread-safe.
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
        final CompletableFuture<Void> done = new CompletableFuture<>();
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
            try {
                waiter.done.get(wait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the wait ended without an outcome: answer with the job as it is
            }
            return jobs.find(tenantId, jobId);
        } finally {
            waiters.computeIfPresent(jobId, (id, w) -> --w.count == 0 ? null : w);
        }
    }

    /** Wakes everyone waiting for {@code jobId}. */
    public void finished(String jobId) {
        Waiter waiter = waiters.get(jobId);
        if (waiter != null) {
            waiter.done.complete(null);
        }
    }

    /** Number of jobs someone waits for (for tests and metrics). */
    public int waiting() {
        return waiters.size();
    }
}
