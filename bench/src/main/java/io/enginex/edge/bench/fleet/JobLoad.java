package io.enginex.edge.bench.fleet;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Recorder;

/**
 * Open-model job generator: starts jobs on a {@link Schedule}, spread round-robin over the agents,
 * each on its own virtual thread, and records enqueue → result latency (from the intended start)
 * of every job that succeeded. Jobs that ended otherwise, or reached no end before their deadline,
 * count as errors by reason.
 */
public final class JobLoad {
    private final JobRunner client;
    private final List<String> agentIds;
    private final long jobDeadlineNanos;

    /** @param jobDeadline how long one job may take, retries through a hub restart included */
    public JobLoad(JobRunner client, List<String> agentIds, Duration jobDeadline) {
        this.client = client;
        this.agentIds = List.copyOf(agentIds);
        this.jobDeadlineNanos = jobDeadline.toNanos();
    }

    /** What a run did. */
    public record Outcome(long started, long succeeded, long errors, Map<String, Long> errorsByReason) {}

    /**
     * Runs {@code schedule} and returns once every job it started has succeeded or failed; blocking.
     * Latencies in nanoseconds go to {@code recorder}.
     */
    public Outcome run(Schedule schedule, Recorder recorder) throws InterruptedException {
        LongAdder ok = new LongAdder();
        Map<String, LongAdder> errors = new ConcurrentHashMap<>();
        String run = UUID.randomUUID().toString().substring(0, 8);
        long start = System.nanoTime();
        try (ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < schedule.count(); i++) {
                long intended = start + schedule.offsetNanos(i);
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                String agent = agentIds.get((int) (i % agentIds.size()));
                String key = "bench-" + run + "-" + i;
                jobs.submit(() -> {
                    long deadline = intended + jobDeadlineNanos;
                    try {
                        String state = client.run(agent, key, deadline);
                        if ("succeeded".equals(state)) {
                            recorder.recordValue(System.nanoTime() - intended);
                            ok.increment();
                        } else {
                            errors.computeIfAbsent("job " + state, s -> new LongAdder())
                                    .increment();
                        }
                    } catch (JobClient.JobError e) {
                        errors.computeIfAbsent(reason(e.getMessage()), s -> new LongAdder())
                                .increment();
                    }
                    return null;
                });
            }
        }
        Map<String, Long> byReason = new java.util.TreeMap<>();
        errors.forEach((k, v) -> byReason.put(k, v.sum()));
        long failed = byReason.values().stream().mapToLong(Long::longValue).sum();
        return new Outcome(schedule.count(), ok.sum(), failed, byReason);
    }

    /** The kind of an error message, without the ids and bodies that differ per job. */
    static String reason(String message) {
        String m = message == null ? "unknown" : message;
        int cut = m.indexOf(':');
        return cut > 0 && cut < 40 ? m.substring(0, cut) : m.length() > 60 ? m.substring(0, 60) : m;
    }
}
