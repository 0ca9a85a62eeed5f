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

    public StorageLimits {
        Objects.requireNonNull(retention, "retention");
        if (perGraphBytes <= 0 || totalBytes <= 0 || perGraphBytes > totalBytes) {
            throw new IllegalArgumentException("storage quotas must be positive and the per-graph quota ("
                    + perGraphBytes + " bytes) at most the total (" + totalBytes + " bytes)");
        }
        if (retention.isNegative() || retention.isZero()) {
            throw new IllegalArgumentException("retention must be positive, not " + retention);
        }
    }
}
