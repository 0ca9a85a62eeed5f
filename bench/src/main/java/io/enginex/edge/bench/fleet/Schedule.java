package io.enginex.edge.bench.fleet;

import java.util.concurrent.TimeUnit;

/**
 * An open-model arrival schedule: request {@code i} is meant to start at {@code start + i / rate}
 * seconds, whatever happened to the ones before it. Latency is measured from that intended start, so
 * a system that falls behind shows its backlog as latency instead of quietly lowering the offered
 * rate (no coordinated omission). Immutable.
 *
 * @param rate requests per second, at least 1
 * @param count how many requests the schedule holds
 */
public record Schedule(double rate, long count) {
    public Schedule {
        if (!(rate > 0) || count < 0) {
            throw new IllegalArgumentException(
                    "rate must be positive and count at least 0; got " + rate + ", " + count);
        }
    }

    /** {@code rate} per second for {@code seconds} seconds. */
    public static Schedule of(double rate, double seconds) {
        return new Schedule(rate, Math.round(rate * seconds));
    }

    /** Nanoseconds after the start at which request {@code i} is meant to begin. */
    public long offsetNanos(long i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("request " + i + " of " + count);
        }
        return Math.round(i * (TimeUnit.SECONDS.toNanos(1) / rate));
    }

    /** How long the schedule lasts: the offset one interval after its last request. */
    public long durationNanos() {
        return Math.round(count * (TimeUnit.SECONDS.toNanos(1) / rate));
    }
}
