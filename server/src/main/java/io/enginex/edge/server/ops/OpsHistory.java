package io.enginex.edge.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The last hour of this hub node's operating numbers, in memory, for the ops console: a ring of
 * {@value #BUCKETS} buckets of {@link #BUCKET} each. Every bucket holds counters (connects,
 * disconnects, dispatches, completions, errors), the connected-agent count last sampled in it and a
 * {@link LatencyBins} histogram, so memory stays fixed however busy the node is. A bucket is reused
 * when its slot comes round again an hour later.
 *
 * <p>Prometheus ({@code /metrics}) remains the long-term record; this exists so the dashboard can
 * draw the recent past without a metrics server. Each node keeps its own; nothing is shared through
 * the database.
 *
 * <p>Thread-safe: recorders and readers take one short lock, held for no I/O. Time comes from the
 * injected clock, so tests move it instead of sleeping.
 */
public final class OpsHistory {
    public static final Duration BUCKET = Duration.ofSeconds(10);
    public static final int BUCKETS = 360;

    private final Clock clock;
    private final String node;
    private final Instant startedAt;
    private final IntSupplier connectedAgents;
    private final ReentrantLock lock = new ReentrantLock();
    private final Bucket[] ring = new Bucket[BUCKETS];

    /**
     * @param node this hub node's name
     * @param connectedAgents reads the node's connected-agent count (sampled on every event and {@link #sample()})
     */
    public OpsHistory(Clock clock, String node, IntSupplier connectedAgents) {
        this.clock = clock;
        this.node = node;
        this.startedAt = clock.instant();
        this.connectedAgents = connectedAgents;
        for (int i = 0; i < BUCKETS; i++) {
            ring[i] = new Bucket();
        }
    }

    /**
     * How much history there is: the time since this node started, at most an hour and at least
     * {@code minimum}, in whole buckets. A console draws this window so a young node's few minutes
     * fill the chart instead of its last sliver.
     */
    public Duration available(Duration minimum) {
        long elapsed = Duration.between(startedAt, clock.instant()).toMillis();
        long buckets = Math.ceilDiv(Math.max(elapsed, 1), BUCKET.toMillis()) + 1;
        long millis = Math.max(minimum.toMillis(), buckets * BUCKET.toMillis());
        return Duration.ofMillis(Math.min(millis, BUCKETS * BUCKET.toMillis()));
    }

    /** The hub node these numbers are of. */
    public String node() {
        return node;
    }

    /** Samples the connected-agent count into the current bucket; run once per bucket by a timer. */
    public void sample() {
        update(b -> {});
    }

    public void connected() {
        update(b -> b.connects++);
    }

    public void disconnected() {
        update(b -> b.disconnects++);
    }

    public void dispatched() {
        update(b -> b.dispatched++);
    }

    /**
     * A job finished.
     *
     * @param error whether it failed or timed out
     * @param latency from first dispatch to result, or null (never dispatched, timed out unanswered)
     */
    public void completed(boolean error, Duration latency) {
        update(b -> {
            b.completed++;
            if (error) {
                b.errors++;
            }
            if (latency != null && !latency.isNegative()) {
                b.latency.record(latency);
            }
        });
    }

    /**
     * One point per bucket for the last {@code window} (at most an hour), oldest first, the current
     * (partial) bucket last; buckets in which nothing happened are included with zero counts.
     */
    public List<OpsPoint> series(Duration window) {
        int n = (int) Math.max(1, Math.min(BUCKETS, window.toMillis() / BUCKET.toMillis()));
        lock.lock();
        try {
            long current = sampleLocked();
            List<OpsPoint> points = new ArrayList<>(n);
            for (long index = current - n + 1; index <= current; index++) {
                Bucket b = ring[slot(index)];
                points.add(b.index == index ? b.point(start(index)) : empty(start(index)));
            }
            return points;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The totals over the last {@code window}: counts summed, percentiles over every latency in it,
     * the connected-agent count as sampled now.
     */
    public OpsPoint summary(Duration window) {
        int n = (int) Math.max(1, Math.min(BUCKETS, window.toMillis() / BUCKET.toMillis()));
        lock.lock();
        try {
            long current = sampleLocked();
            Bucket sum = new Bucket();
            for (long index = current - n + 1; index <= current; index++) {
                Bucket b = ring[slot(index)];
                if (b.index == index) {
                    sum.connects += b.connects;
                    sum.disconnects += b.disconnects;
                    sum.dispatched += b.dispatched;
                    sum.completed += b.completed;
                    sum.errors += b.errors;
                    sum.latency.addAll(b.latency);
                }
            }
            sum.connected = ring[slot(current)].connected;
            return sum.point(start(current - n + 1));
        } finally {
            lock.unlock();
        }
    }

    private interface Change {
        void apply(Bucket bucket);
    }

    private void update(Change change) {
        lock.lock();
        try {
            long index = sampleLocked();
            change.apply(ring[slot(index)]);
        } finally {
            lock.unlock();
        }
    }

    /** Moves to the current bucket (resetting a reused slot), samples the gauge; returns the bucket index. */
    private long sampleLocked() {
        long index = Math.floorDiv(clock.millis(), BUCKET.toMillis());
        Bucket b = ring[slot(index)];
        if (b.index != index) {
            b.reset(index);
        }
        b.connected = connectedAgents.getAsInt();
        return index;
    }

    private static int slot(long index) {
        return (int) Math.floorMod(index, (long) BUCKETS);
    }

    private static Instant start(long index) {
        return Instant.ofEpochMilli(index * BUCKET.toMillis());
    }

    private static OpsPoint empty(Instant at) {
        return new OpsPoint(at, null, 0, 0, 0, 0, 0, null, null, null);
    }

    private static final class Bucket {
        long index = Long.MIN_VALUE;
        int connected = -1;
        long connects;
        long disconnects;
        long dispatched;
        long completed;
        long errors;
        final LatencyBins latency = new LatencyBins();

        void reset(long newIndex) {
            index = newIndex;
            connected = -1;
            connects = 0;
            disconnects = 0;
            dispatched = 0;
            completed = 0;
            errors = 0;
            latency.clear();
        }

        OpsPoint point(Instant at) {
            return new OpsPoint(
                    at,
                    connected < 0 ? null : connected,
                    connects,
                    disconnects,
                    dispatched,
                    completed,
                    errors,
                    latency.quantileMillis(0.50),
                    latency.quantileMillis(0.95),
                    latency.quantileMillis(0.99));
        }
    }
}
