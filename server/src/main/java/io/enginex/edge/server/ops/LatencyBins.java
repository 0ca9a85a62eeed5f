package io.enginex.edge.server.ops;

import java.time.Duration;

/**
 * A small fixed-size latency histogram: bins of a quarter power of two (each about 19% wide) from 1 ms
 * up to an hour, so a percentile read from it is within one bin of the truth and never above the
 * largest value recorded. Fixed size (90 counters) whatever is recorded, which is what lets an hour of
 * ten-second buckets stay bounded. Not thread-safe; {@link OpsHistory} guards it.
 */
final class LatencyBins {
    static final int BINS = 90;

    private final long[] counts = new long[BINS];
    private long total;
    private double maxMillis;

    void record(Duration latency) {
        double ms = latency.toNanos() / 1_000_000.0;
        counts[bin(ms)]++;
        total++;
        maxMillis = Math.max(maxMillis, ms);
    }

    void addAll(LatencyBins other) {
        for (int i = 0; i < BINS; i++) {
            counts[i] += other.counts[i];
        }
        total += other.total;
        maxMillis = Math.max(maxMillis, other.maxMillis);
    }

    void clear() {
        java.util.Arrays.fill(counts, 0);
        total = 0;
        maxMillis = 0;
    }

    long total() {
        return total;
    }

    /**
     * The {@code q} quantile in milliseconds (the upper edge of the bin holding it, capped at the
     * largest value recorded), or null when nothing was recorded.
     */
    Double quantileMillis(double q) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(q * total));
        long seen = 0;
        for (int i = 0; i < BINS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                return Math.min(upperEdge(i), maxMillis);
            }
        }
        return maxMillis;
    }

    static int bin(double ms) {
        if (ms <= 1) {
            return 0;
        }
        int b = (int) Math.ceil(4 * (Math.log(ms) / Math.log(2)));
        return Math.min(BINS - 1, b);
    }

    static double upperEdge(int bin) {
        return Math.pow(2, bin / 4.0);
    }
}
