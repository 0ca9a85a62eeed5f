package io.enginex.edge.server.ops;

import java.time.Duration;
import java.util.Arrays;

/**
 * A small fixed-size latency histogram: bins of a quarter power of two (each about 19% wide) from 1 ms
 * up to an hour, so a percentile read from it is within one bin of the truth and never above the
 * largest value recorded. Fixed size (90 counters) whatever is recorded, which is what lets an hour of
 * ten-second buckets stay bounded.
 *
 * <p>Histograms merge exactly ({@link #addAll}: counts add bin by bin, the largest value is the larger),
 * so the percentiles of several nodes' buckets are read from their sum, never averaged. {@link #encode}
 * writes one as text for the {@code ops_buckets} table: the bins that hold anything, {@code
 * "bin:count"} joined by commas ({@code "12:3,13:40"}), a few dozen bytes for a typical bucket.
 *
 * <p>Not thread-safe: {@link OpsHistory} guards the ones it records into; the others are made and read
 * by one thread.
 */
public final class LatencyBins {
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
        Arrays.fill(counts, 0);
        total = 0;
        maxMillis = 0;
    }

    long total() {
        return total;
    }

    /** The largest latency recorded, in milliseconds (0 when none). */
    double maxMillis() {
        return maxMillis;
    }

    /** A copy, to merge into without touching this one. */
    LatencyBins copy() {
        LatencyBins c = new LatencyBins();
        c.addAll(this);
        return c;
    }

    /** The non-empty bins as {@code "bin:count"} joined by commas, lowest bin first; empty when nothing was recorded. */
    String encode() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < BINS; i++) {
            if (counts[i] > 0) {
                if (!text.isEmpty()) {
                    text.append(',');
                }
                text.append(i).append(':').append(counts[i]);
            }
        }
        return text.toString();
    }

    /**
     * The histogram {@link #encode} wrote, with its largest value.
     *
     * @throws IllegalArgumentException naming the part that is not {@code "bin:count"} with a bin of
     *     0-89 and a positive count (a row of another format)
     */
    static LatencyBins decode(String text, double maxMillis) {
        LatencyBins bins = new LatencyBins();
        if (text.isEmpty()) {
            return bins;
        }
        for (String part : text.split(",", -1)) {
            int colon = part.indexOf(':');
            try {
                int bin = Integer.parseInt(part.substring(0, Math.max(colon, 0)));
                long count = Long.parseLong(part.substring(colon + 1));
                if (bin < 0 || bin >= BINS || count <= 0) {
                    throw new NumberFormatException();
                }
                bins.counts[bin] += count;
                bins.total += count;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("latency histogram part \"" + part
                        + "\" is not bin:count with a bin of 0-" + (BINS - 1) + " and a positive count");
            }
        }
        bins.maxMillis = maxMillis;
        return bins;
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
