package io.enginex.edge.server.dispatch;

import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.JobState;
import io.enginex.edge.server.store.JobStore;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run every ~500 ms: marks jobs past their deadline {@code timed_out}, wakes their waiters, and hands
 * each to {@link Deliveries#expired} (which tells a connected agent that had received it to cancel). Never throws (a failed sweep is logged and the
 * next one tries again).
 */
public final class DeadlineSweeper implements Runnable {
    public static final Duration INTERVAL = Duration.ofMillis(500);
    private static final Logger log = LoggerFactory.getLogger(DeadlineSweeper.class);

    private final JobStore jobs;
    private final Deliveries deliveries;
    private final JobWaiters waiters;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final Audit audit;
    private final Transactions tx;
    private final RepeatedLog repeats; // a database outage fails every tick: log it once a minute

    /**
     * @param audit records each timed-out job's end ({@code job.finished}) in the transaction that
     *     times it out ({@code tx})
     */
    public DeadlineSweeper(
            JobStore jobs,
            Deliveries deliveries,
            JobWaiters waiters,
            DispatchMetrics metrics,
            Clock clock,
            Audit audit,
            Transactions tx) {
        this.jobs = jobs;
        this.deliveries = deliveries;
        this.waiters = waiters;
        this.metrics = metrics;
        this.clock = clock;
        this.audit = audit;
        this.tx = tx;
        this.repeats = new RepeatedLog(clock, Duration.ofSeconds(60));
    }

    @Override
    public void run() {
        try {
            List<Job> expired = tx.inTransaction(() -> {
                List<Job> ended = jobs.expire(clock.instant());
                for (Job job : ended) {
                    audit.jobFinished(job.tenantId(), job.id(), Actor.system(), job.state(), job.errorCode());
                }
                return ended;
            });
            for (Job job : expired) {
                metrics.completed(job.tenantId(), JobState.TIMED_OUT, null);
                waiters.finished(job.tenantId(), job.id());
                log.atInfo()
                        .addKeyValue("jobId", job.id())
                        .addKeyValue("agentId", job.agentId())
                        .addKeyValue("deadline", job.deadline())
                        .log("job timed out");
                deliveries.expired(job);
            }
        } catch (RuntimeException e) {
            repeats.admit(e.toString())
                    .ifPresent(silenced -> log.atWarn()
                            .setCause(e)
                            .log(repeats.describe("deadline sweep failed; retrying on the next tick", silenced)));
        }
    }
}
