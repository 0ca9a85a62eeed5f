package io.enginex.edge.server.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Turns rows of one or several nodes into what the console draws: per bucket, counters and
 * connected agents summed over the nodes, and percentiles read from the sum of their latency
 * histograms (a percentile of percentiles would be wrong: two nodes with p99 10 ms and 1 s do not
 * have a p99 of 505 ms). A bucket with no row is a bucket in which nothing happened; its gauge is
 * null when no row sampled it. Stateless.
 */
final class OpsMerge {
    private OpsMerge() {}

    /** One point per bucket from {@code from} to {@code current}, oldest first. */
    static List<OpsPoint> series(Collection<OpsBuckets.Row> rows, long from, long current) {
        int n = (int) (current - from + 1);
        Sum[] sums = new Sum[n];
        for (int i = 0; i < n; i++) {
            sums[i] = new Sum();
        }
        for (OpsBuckets.Row r : rows) {
            if (r.index() >= from && r.index() <= current) {
                Sum s = sums[(int) (r.index() - from)];
                s.add(r);
                if (r.connected() != null) {
                    s.connected = (s.connected == null ? 0 : s.connected) + r.connected();
                }
            }
        }
        List<OpsPoint> points = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            points.add(sums[i].point(OpsHistory.start(from + i)));
        }
        return points;
    }

    /**
     * The totals of the buckets from {@code from} to {@code current}: counters summed, percentiles
     * over every latency in them, and {@code connectedNow} as the connected agents.
     */
    static OpsPoint summary(Collection<OpsBuckets.Row> rows, long from, long current, Integer connectedNow) {
        Sum sum = new Sum();
        for (OpsBuckets.Row r : rows) {
            if (r.index() >= from && r.index() <= current) {
                sum.add(r);
            }
        }
        sum.connected = connectedNow;
        return sum.point(OpsHistory.start(from));
    }

    /** Counters and a histogram, added up. */
    private static final class Sum {
        Integer connected;
        long connects;
        long disconnects;
        long dispatched;
        long completed;
        long errors;
        LatencyBins latency;

        void add(OpsBuckets.Row r) {
            connects += r.connects();
            disconnects += r.disconnects();
            dispatched += r.dispatched();
            completed += r.completed();
            errors += r.errors();
            if (r.latency() != null) {
                if (latency == null) {
                    latency = new LatencyBins();
                }
                latency.addAll(r.latency());
            }
        }

        OpsPoint point(Instant at) {
            return new OpsPoint(
                    at,
                    connected,
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
