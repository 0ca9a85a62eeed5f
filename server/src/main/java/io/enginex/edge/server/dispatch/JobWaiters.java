package io.enginex.edge.server.dispatch;

import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.JobStore.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Long-poll support: callers wait for a job to finish without polling the database. The dispatcher
 * calls {@link #finished(String, Outcome)} when it records an agent's result, and the waiters answer
 * from it and the job as they read it before waiting, without reading it again; {@link
 * #finished(String)} (deadline, denial, refusal) makes them read the job. Thread-safe.
 *
 * <p>Race-free by construction: the waiter is registered <em>before</em> the job is read, so an
 * outcome recorded between the read and the wait still completes the future. An outcome recorded by
 * another node arrives as its {@link Signal.Kind#DONE} signal ({@link #woken}), and the waiters read
 * the job; should the signal be lost, they read it when their wait ends.
 */
public final class JobWaiters {
    private final JobStore jobs;
    private final Cluster cluster;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ConcurrentHashMap<String, Waiter> waiters = new ConcurrentHashMap<>();

    public JobWaiters(JobStore jobs) {
        this(jobs, Cluster.SINGLE);
    }

    /** @param cluster told of every finished job, so waiters on other nodes wake */
    public JobWaiters(JobStore jobs, Cluster cluster) {
        this.jobs = jobs;
        this.cluster = cluster;
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

    /** Wakes everyone waiting for {@code jobId}, here and on the other nodes; they read the job. */
    public void finished(String tenantId, String jobId) {
        finished(tenantId, jobId, null);
    }

    /**
     * Wakes everyone waiting for {@code jobId} with the outcome {@link JobStore#complete} recorded
     * first (committed), which they answer without reading the job again.
     */
    public void finished(String tenantId, String jobId, Outcome outcome) {
        wake(jobId, outcome);
        cluster.publish(Signal.done(tenantId, jobId));
        for (Consumer<String> listener : listeners) {
            listener.accept(tenantId);
        }
    }

    /**
     * Also tells {@code listener} the tenant of every job this node finishes (after its outcome is
     * committed), on the finishing thread; it must not block. Other nodes' jobs reach live views
     * through the cluster's {@code done} signal instead.
     */
    public void onFinished(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Another node recorded the job's outcome: everyone waiting for it here reads the job. */
    public void woken(String jobId) {
        wake(jobId, null);
    }

    private void wake(String jobId, Outcome outcome) {
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
