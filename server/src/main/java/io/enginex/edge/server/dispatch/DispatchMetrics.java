package io.enginex.edge.server.dispatch;

import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.store.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters and timers of dispatch, exported at {@code /metrics} as {@code enginex_jobs_submitted_total},
 * {@code enginex_jobs_dispatched_total}, {@code enginex_jobs_completed_total{outcome}} and {@code
 * enginex_jobs_latency_seconds}. ("created" is avoided: Prometheus reserves {@code _created}.) The
 * same events feed the node's {@link OpsHistory}, the ops console's last hour.
 */
public final class DispatchMetrics {
    private final Counter created;
    private final Counter dispatched;
    private final Map<JobState, Counter> completed = new EnumMap<>(JobState.class);
    private final Timer latency;
    private final OpsHistory history;

    /** Metrics without an ops history of their own to show (tests). */
    public DispatchMetrics(MeterRegistry registry) {
        this(registry, new OpsHistory(Clock.systemUTC(), "none", OpsHistory.ConnectedAgents.of(() -> 0, Map::of)));
    }

    public DispatchMetrics(MeterRegistry registry, OpsHistory history) {
        this.history = history;
        this.created = Counter.builder("enginex.jobs.submitted")
                .description("Jobs written to the database")
                .register(registry);
        this.dispatched = Counter.builder("enginex.jobs.dispatched")
                .description("Dispatch frames sent to agents, redeliveries included")
                .register(registry);
        for (JobState state : JobState.values()) {
            if (state.terminal()) {
                completed.put(
                        state,
                        Counter.builder("enginex.jobs.completed")
                                .description("Jobs finished, by outcome")
                                .tag("outcome", state.wire())
                                .register(registry));
            }
        }
        this.latency = Timer.builder("enginex.jobs.latency")
                .description("From first dispatch to recorded result")
                .publishPercentileHistogram()
                .register(registry);
    }

    void created() {
        created.increment();
    }

    void dispatched(String tenantId) {
        dispatched.increment();
        history.dispatched(tenantId);
    }

    void completed(String tenantId, JobState outcome, Duration sinceDispatch) {
        completed.get(outcome).increment();
        if (sinceDispatch != null && !sinceDispatch.isNegative()) {
            latency.record(sinceDispatch);
        }
        history.completed(tenantId, outcome == JobState.FAILED || outcome == JobState.TIMED_OUT, sinceDispatch);
    }
}
