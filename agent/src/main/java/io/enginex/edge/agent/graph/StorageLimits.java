package io.enginex.edge.agent.graph;

import java.time.Duration;
import java.util.Objects;

/**
 * How much disk the run files of graphs ({@code <state-dir>/graphs/runs/}) may take on this machine,
 * and how long they are kept. Immutable. A line that would pass a quota is not written: the step
 * fails with {@link StorageQuotaExceededException#CODE} (see {@link RunJournal}).
 *
 * @param perGraphBytes the run files of one graph (by name) together
 * @param totalBytes all run files together
 * @param retention how long after it ended a run the hub acknowledged in full is kept; then its file is
 *     deleted ({@link RunJournal#prune})
 */
public record StorageLimits(long perGraphBytes, long totalBytes, Duration retention) {
    /** 256 MiB per graph, 1 GiB in all, synced runs kept 30 days. */
    public static final StorageLimits DEFAULT = new StorageLimits(256L << 20, 1L << 30, Duration.ofDays(30));

    /**
     * The quotas of a policy's {@code limits.graphBytes} and {@code limits.graphsTotalBytes}, and the
     * retention of its {@code limits.graphRetentionDays}.
     */
    public static StorageLimits of(io.enginex.edge.agent.policy.Limits limits) {
        return new StorageLimits(
                limits.graphBytes(), limits.graphsTotalBytes(), Duration.ofDays(limits.graphRetentionDays()));
    }

    /** The per-graph quota for a graph that asks for {@code requested} bytes: never more than this one. */
    public long perGraph(java.util.OptionalLong requested) {
        return requested.isPresent() ? Math.min(perGraphBytes, requested.getAsLong()) : perGraphBytes;
    }

    public StorageLimits {
        Objects.requireNonNull(retention, "retention");
        if (perGraphBytes < 0 || totalBytes < 0) {
            throw new IllegalArgumentException(
                    "storage quotas must not be negative, not " + perGraphBytes + " and " + totalBytes + " bytes");
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, not " + retention);
        }
    }
}
