package io.enginex.edge.server.dispatch;

import io.enginex.edge.server.store.JobState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * Counters and timers of dispatch, exported at {@code /metrics} as {@code enginex_jobs_submitted_total},
 * {@code enginex_jobs_dispatched_total}, {@code enginex_jobs_completed_total{outcome}} and {@code
 * enginex_jobs_latency_seconds}. ("created" is avoided: Prometheus reserves {@code _created}.)
 */
public final class DispatchMetrics {
    private final Counter created;
    private final Counter dispatched;
    private final Map<JobState, Counter> completed = new EnumMap<>(JobState.class);
    private final Timer latency;

    public DispatchMetrics(MeterRegistry registry) {
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

    void dispatched() {
        dispatched.increment();
    }

    void completed(JobState outcome, Duration sinceDispatch) {
        completed.get(outcome).increment();
        if (sinceDispatch != null && !sinceDispatch.isNegative()) {
            latency.record(sinceDispatch);
        }
    }
}
