package io.enginex.edge.server.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One scope's last hour (the node's, or one tenant's on it): a ring of {@link OpsHistory#BUCKETS}
 * buckets, each reused when its slot comes round again. A bucket allocates its latency histogram
 * only when a latency lands in it, so a quiet tenant's ring stays small. Not thread-safe: {@link
 * OpsHistory} guards every ring with its lock.
 */
final class OpsRing {
    private final Bucket[] ring = new Bucket[OpsHistory.BUCKETS];
    private long lastEvent = Long.MIN_VALUE;

    OpsRing() {
        for (int i = 0; i < ring.length; i++) {
            ring[i] = new Bucket();
        }
    }

    /** What an event changes in its bucket. */
    interface Change {
        void apply(Bucket bucket);
    }

    /** Applies {@code change} to bucket {@code index} (the current one). */
    void event(long index, Change change) {
        change.apply(at(index));
        lastEvent = index;
    }

    /** Records the connected-agent gauge in bucket {@code index}. */
    void sample(long index, int connected) {
        at(index).connected = connected;
    }

    /** Whether no event landed in this ring at or after bucket {@code index}. */
    boolean quietSince(long index) {
        return lastEvent < index;
    }

    /** One point per bucket from {@code current - n + 1} to {@code current}, oldest first. */
    List<OpsPoint> series(long current, int n) {
        List<OpsPoint> points = new ArrayList<>(n);
        for (long index = current - n + 1; index <= current; index++) {
            Bucket b = ring[slot(index)];
            points.add(b.index == index ? b.point(OpsHistory.start(index)) : empty(OpsHistory.start(index)));
        }
        return points;
    }

    /** The totals of the last {@code n} buckets; the gauge as sampled in {@code current}. */
    OpsPoint summary(long current, int n) {
        Bucket sum = new Bucket();
        for (long index = current - n + 1; index <= current; index++) {
            Bucket b = ring[slot(index)];
            if (b.index == index) {
                sum.add(b);
            }
        }
        Bucket now = ring[slot(current)];
        sum.connected = now.index == current ? now.connected : -1;
        return sum.point(OpsHistory.start(current - n + 1));
    }

    private Bucket at(long index) {
        Bucket b = ring[slot(index)];
        if (b.index != index) {
            b.reset(index);
        }
        return b;
    }

    private static int slot(long index) {
        return (int) Math.floorMod(index, (long) OpsHistory.BUCKETS);
    }

    private static OpsPoint empty(Instant at) {
        return new OpsPoint(at, null, 0, 0, 0, 0, 0, null, null, null);
    }

    /** One interval's counters. */
    static final class Bucket {
        long index = Long.MIN_VALUE;
        int connected = -1;
        long connects;
        long disconnects;
        long dispatched;
        long completed;
        long errors;
        private LatencyBins latency;

        void latency(java.time.Duration d) {
            if (latency == null) {
                latency = new LatencyBins();
            }
            latency.record(d);
        }

        void reset(long newIndex) {
            index = newIndex;
            connected = -1;
            connects = 0;
            disconnects = 0;
            dispatched = 0;
            completed = 0;
            errors = 0;
            if (latency != null) {
                latency.clear();
            }
        }

        void add(Bucket b) {
            connects += b.connects;
            disconnects += b.disconnects;
            dispatched += b.dispatched;
            completed += b.completed;
            errors += b.errors;
            if (b.latency != null) {
                if (latency == null) {
                    latency = new LatencyBins();
                }
                latency.addAll(b.latency);
            }
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
                    quantile(0.50),
                    quantile(0.95),
                    quantile(0.99));
        }

        private Double quantile(double q) {
            return latency == null ? null : latency.quantileMillis(q);
        }
    }
}
