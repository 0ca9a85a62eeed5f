package io.enginex.edge.server.ops;

import java.time.Duration;

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

    /** Bucket {@code index} as a row of {@code node} and {@code tenantId}, or null when nothing was kept for it. */
    OpsBuckets.Row row(String node, String tenantId, long index) {
        Bucket b = ring[slot(index)];
        return b.index == index ? b.row(node, tenantId) : null;
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

        void latency(Duration d) {
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

        /** A copy as a row, its histogram copied too (null when empty), its gauge null when not sampled. */
        OpsBuckets.Row row(String node, String tenantId) {
            return new OpsBuckets.Row(
                    node,
                    tenantId,
                    index,
                    connected < 0 ? null : connected,
                    null,
                    null,
                    connects,
                    disconnects,
                    dispatched,
                    completed,
                    errors,
                    latency == null || latency.total() == 0 ? null : latency.copy());
        }
    }
}
