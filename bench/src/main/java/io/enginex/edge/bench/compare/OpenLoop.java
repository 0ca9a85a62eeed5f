package io.enginex.edge.bench.compare;

import io.enginex.edge.bench.fleet.LatencyChart;
import io.enginex.edge.bench.fleet.Schedule;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Open-model load for the latency-against-offered-rate chart: operations start on a fixed schedule
 * ({@link Schedule}), each on a virtual thread of its own, whatever happened to the ones before, and
 * each latency is measured from the operation's intended start, so a system that falls behind shows
 * its backlog as latency (no coordinated omission). Every system on the chart is driven the same way.
 */
final class OpenLoop {
    private OpenLoop() {}

    /** One rate's outcome: completed operations per second, latency from the intended start, errors. */
    record Outcome(double rate, double completedPerS, double p50Ms, double p99Ms, long errors) {
        LatencyChart.Point point() {
            return new LatencyChart.Point(rate, p50Ms, p99Ms);
        }
    }

    static Outcome run(String system, double rate, Duration warmup, Duration measured, ClosedLoop.Operation op)
            throws InterruptedException {
        System.out.printf(
                "==> %s: %.0f/s open model, %d s warm-up, %d s measured%n",
                system, rate, warmup.toSeconds(), measured.toSeconds());
        if (!warmup.isZero()) {
            drive(Schedule.of(rate, warmup.toSeconds()), op, new Recorder(3), new LongAdder());
        }
        Recorder recorder = new Recorder(3);
        LongAdder errors = new LongAdder();
        drive(Schedule.of(rate, measured.toSeconds()), op, recorder, errors);
        Histogram h = recorder.getIntervalHistogram();
        return new Outcome(
                rate,
                h.getTotalCount() / (double) measured.toSeconds(),
                h.getValueAtPercentile(50) / 1e6,
                h.getValueAtPercentile(99) / 1e6,
                errors.sum());
    }

    /** Starts every operation of {@code schedule} on time and waits until all have ended. */
    private static void drive(Schedule schedule, ClosedLoop.Operation op, Recorder recorder, LongAdder errors)
            throws InterruptedException {
        long start = System.nanoTime();
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (long i = 0; i < schedule.count(); i++) {
                long intended = start + schedule.offsetNanos(i);
                long wait = intended - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
                int client = (int) (i % Integer.MAX_VALUE);
                threads.submit(() -> {
                    try {
                        op.run(client);
                        recorder.recordValue(System.nanoTime() - intended);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    } catch (Exception e) {
                        errors.increment();
                    }
                });
            }
        } // closing waits for the operations still running
    }
}
