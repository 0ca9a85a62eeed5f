package io.enginex.edge.agent.policy;

import io.enginex.edge.protocol.PolicyDocument;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Size caps for file tools, and how many calls of each tool may run at once.
 *
 * @param maxReadBytes largest file {@code fs.read} and {@code fs.search} will read
 * @param maxWriteBytes largest file {@code fs.write} will leave behind (appends included)
 * @param maxSearchFiles files {@code fs.search} visits per call
 * @param source where the values came from
 * @param concurrency calls that may run at once, by tool name; the key {@value #DEFAULT_CONCURRENCY}
 *     applies to tools not named. A tool under no key (and no default) is bounded only by the
 *     agent's {@code --max-concurrent-jobs}.
 * @param graphBytes how much the run files of one graph may take ({@code <state-dir>/graphs/runs/});
 *     a graph's own {@code limits.storageBytes} can only be smaller
 * @param graphsTotalBytes how much the run files of all graphs may take together
 * @param graphRetentionDays how many days after it ended a run the hub has in full is kept on the machine
 */
public record Limits(
        long maxReadBytes,
        long maxWriteBytes,
        int maxSearchFiles,
        String source,
        Map<String, Integer> concurrency,
        long graphBytes,
        long graphsTotalBytes,
        int graphRetentionDays) {
    /** The default of {@link #graphBytes}: 256 MiB. */
    public static final long DEFAULT_GRAPH_BYTES = 256L << 20;

    /** The default of {@link #graphsTotalBytes}: 1 GiB. */
    public static final long DEFAULT_GRAPHS_TOTAL_BYTES = 1L << 30;

    /** The default of {@link #graphRetentionDays}: 30 days. */
    public static final int DEFAULT_GRAPH_RETENTION_DAYS = 30;

    /** The key of {@link #concurrency} for every tool not named. */
    public static final String DEFAULT_CONCURRENCY = "default";

    /** The built-in caps: 64 MiB read, 16 MiB write, 20 000 files searched, no concurrency caps. */
    public static final Limits DEFAULT = new Limits(64L << 20, 16L << 20, 20_000, "built-in default");

    public Limits {
        if (maxReadBytes < 0 || maxWriteBytes < 0 || maxSearchFiles < 0 || graphBytes < 0 || graphsTotalBytes < 0) {
            throw new PolicyException(source + ": limits must not be negative");
        }
        if (graphRetentionDays < 1 || graphRetentionDays > PolicyDocument.MAX_RETENTION_DAYS) {
            throw new PolicyException(source + ": limits.graphRetentionDays must be a whole number of days from 1 to "
                    + PolicyDocument.MAX_RETENTION_DAYS);
        }
        concurrency = Map.copyOf(concurrency);
        concurrency.forEach((tool, cap) -> {
            if (cap < 1) {
                throw new PolicyException(source + ": limits.concurrency." + tool + " must be at least 1");
            }
        });
    }

    /** Caps with the default graph storage quotas. */
    public Limits(
            long maxReadBytes,
            long maxWriteBytes,
            int maxSearchFiles,
            String source,
            Map<String, Integer> concurrency) {
        this(
                maxReadBytes,
                maxWriteBytes,
                maxSearchFiles,
                source,
                concurrency,
                DEFAULT_GRAPH_BYTES,
                DEFAULT_GRAPHS_TOTAL_BYTES,
                DEFAULT_GRAPH_RETENTION_DAYS);
    }

    /** Caps without concurrency limits. */
    public Limits(long maxReadBytes, long maxWriteBytes, int maxSearchFiles, String source) {
        this(maxReadBytes, maxWriteBytes, maxSearchFiles, source, Map.of());
    }

    /** How many calls of {@code tool} may run at once ({@link Integer#MAX_VALUE} when uncapped). */
    public int concurrencyOf(String tool) {
        return concurrency.getOrDefault(tool, concurrency.getOrDefault(DEFAULT_CONCURRENCY, Integer.MAX_VALUE));
    }

    /** The smaller of each cap; for concurrency, per tool name (a name only one side caps meets the other's default). */
    public Limits min(Limits other) {
        Map<String, Integer> caps = new TreeMap<>();
        TreeSet<String> names = new TreeSet<>(concurrency.keySet());
        names.addAll(other.concurrency.keySet());
        for (String name : names) {
            int cap = Math.min(concurrencyOf(name), other.concurrencyOf(name));
            if (cap < Integer.MAX_VALUE) {
                caps.put(name, cap);
            }
        }
        return new Limits(
                Math.min(maxReadBytes, other.maxReadBytes),
                Math.min(maxWriteBytes, other.maxWriteBytes),
                Math.min(maxSearchFiles, other.maxSearchFiles),
                source.equals(other.source) ? source : "smallest of " + source + " and " + other.source,
                caps,
                Math.min(graphBytes, other.graphBytes),
                Math.min(graphsTotalBytes, other.graphsTotalBytes),
                Math.min(graphRetentionDays, other.graphRetentionDays));
    }
}
