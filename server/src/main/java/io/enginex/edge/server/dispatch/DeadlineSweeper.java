package io.enginex.edge.server.dispatch;

import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run every ~500 ms: marks jobs past their deadline {@code timed_out}, wakes their waiters, and tells
 * connected agents that had received them to cancel. Never throws (a failed sweep is logged and the
 * next one tries again).
 */
public final class DeadlineSweeper implements Runnable {
    public static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(DeadlineSweeper.class);

    private final JobStore jobs;
    private final ConnectionRegistry registry;
    private final JobWaiters waiters;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final Executor senders;
    private final RepeatedLog repeats; // a database outage fails every tick: log it once a minute

    /** @param senders runs cancel sends (virtual threads), so a stalled socket does not hold up the sweep */
    public DeadlineSweeper(
            JobStore jobs,
            ConnectionRegistry registry,
            JobWaiters waiters,
            DispatchMetrics metrics,
            Clock clock,
            Executor senders) {
        this.jobs = jobs;
        this.registry = registry;
        this.waiters = waiters;
        this.metrics = metrics;
        this.clock = clock;
        this.senders = senders;
        this.repeats = new RepeatedLog(clock, Duration.ofSeconds(60));
    }

    @Override
    public void run() {
        try {
            List<Job> expired = jobs.expire(clock.instant());
            for (Job job : expired) {
                metrics.completed(job.tenantId(), JobState.TIMED_OUT, null);
                waiters.finished(job.id());
                log.atInfo()
                        .addKeyValue("jobId", job.id())
                        .addKeyValue("agentId", job.agentId())
                        .addKeyValue("deadline", job.deadline())
                        .log("job timed out");
                if (job.attempt() > 0) {
                    registry.find(job.tenantId(), job.agentId()).ifPresent(c -> {
                        c.releaseDelivery(job.id());
                        senders.execute(() -> c.send(new Cancel(c.nextFrameId(), job.id(), "deadline passed")));
                    });
                }
            }
        } catch (RuntimeException e) {
            repeats.admit(e.toString())
                    .ifPresent(silenced -> log.atWarn()
                            .setCause(e)
                            .log(repeats.describe("deadline sweep failed; retrying on the next tick", silenced)));
        }
    }
}
