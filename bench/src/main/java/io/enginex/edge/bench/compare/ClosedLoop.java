package io.enginex.edge.bench.compare;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Closed-loop load: {@code clients} virtual threads each run one operation after another, unmeasured
 * for the warm-up, then measured; each operation's time goes to an HdrHistogram. Closed loop, so the
 * throughput is the system's capacity at that concurrency and the latency is what each client sees
 * at it; every system in the comparison is driven the same way.
 */
final class ClosedLoop {
    /** One operation of a client; throws when it failed. */
    @FunctionalInterface
    interface Operation {
        void run(int client) throws Exception;
    }

    private ClosedLoop() {}

    static RunResult run(String system, String variant, int clients, Duration warmup, Duration measured, Operation op)
            throws InterruptedException {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        Recorder recorder = new Recorder(3);
        LongAdder errors = new LongAdder();
        System.out.printf(
                "==> %s%s: %d clients, %d s warm-up, %d s measured%n",
                system,
                variant.isEmpty() ? "" : " (" + variant + ")",
                clients,
                warmup.toSeconds(),
                measured.toSeconds());
        long[] window = new long[2];
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                int client = c;
                threads.submit(() -> {
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        boolean ok;
                        try {
                            op.run(client);
                            ok = true;
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        } catch (Exception e) {
                            ok = false;
                        }
                        if (measuring.get() && !stop.get()) {
                            if (ok) {
                                recorder.recordValue(System.nanoTime() - t0);
                            } else {
                                errors.increment();
                            }
                        }
                    }
                });
            }
            Thread.sleep(warmup);
            recorder.reset();
            window[0] = System.nanoTime();
            measuring.set(true);
            Thread.sleep(measured);
            stop.set(true);
            window[1] = System.nanoTime();
            Histogram h = recorder.getIntervalHistogram();
            double seconds = (window[1] - window[0]) / 1e9;
            return new RunResult(
                    system,
                    variant,
                    clients,
                    h.getTotalCount() / seconds,
                    h.getValueAtPercentile(50) / 1e6,
                    h.getValueAtPercentile(99) / 1e6,
                    errors.sum(),
                    seconds);
        }
    }
}
