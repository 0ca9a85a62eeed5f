package io.enginex.edge.agent.connection;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} that never jumps: {@link System#nanoTime()} counted from the wall-clock time at
 * construction. Heartbeats measure silences with it, so a wall-clock step (NTP, a person changing the
 * time) neither drops a live hub nor keeps a dead one. Immutable and thread-safe.
 */
final class MonotonicClock extends Clock {
    private final Instant origin;
    private final long originNanos;

    MonotonicClock() {
        this.origin = Instant.now();
        this.originNanos = System.nanoTime();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a monotonic clock has no zone");
    }

    @Override
    public Instant instant() {
        return origin.plusNanos(System.nanoTime() - originNanos);
    }
}
