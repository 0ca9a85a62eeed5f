package io.enginex.edge.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpsMergeTest {
    private static final long T0 = OpsHistory.bucketOf(Instant.parse("2026-11-26T10:00:00Z"));

    static OpsBuckets.Row row(String node, long index, Integer connected, long dispatched, int... latencyMillis) {
        LatencyBins bins = null;
        if (latencyMillis.length > 0) {
            bins = new LatencyBins();
            for (int ms : latencyMillis) {
                bins.record(Duration.ofMillis(ms));
            }
        }
        return new OpsBuckets.Row(
                node, "ten_a", index, connected, null, null, 1, 0, dispatched, latencyMillis.length, 0, bins);
    }

    @Test
    void countersAndConnectedAgentsAreSummedPerBucketOverTheNodes() {
        List<OpsBuckets.Row> rows =
                List.of(row("a", T0, 3, 5), row("b", T0, 4, 7), row("a", T0 + 1, null, 1), row("b", T0 + 1, 2, 0));

        List<OpsPoint> points = OpsMerge.series(rows, T0, T0 + 2);

        assertThat(points).extracting(OpsPoint::at).first().isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(points).extracting(OpsPoint::dispatched).containsExactly(12L, 1L, 0L);
        assertThat(points).extracting(OpsPoint::connects).containsExactly(2L, 2L, 0L);
        assertThat(points)
                .extracting(OpsPoint::connectedAgents)
                .as("a node that took no sample adds nothing; a bucket nobody sampled has none")
                .containsExactly(7, 2, null);
    }

    @Test
    void percentilesComeFromTheMergedHistogramsNotFromAveragingTheNodes() {
        int[] fast = new int[98];
        java.util.Arrays.fill(fast, 10);
        List<OpsBuckets.Row> rows = List.of(row("a", T0, 1, 98, fast), row("b", T0, 1, 2, 2000, 2000));

        OpsPoint sum = OpsMerge.summary(rows, T0, T0, 2);

        // 100 jobs: 98 at 10 ms on node a, 2 at 2 s on node b. Their p50 and p95 are 10 ms (within a
        // bin), their p99 2 s. Averaging the nodes' own percentiles would say p50 about 1 s.
        assertThat(sum.completed()).isEqualTo(100);
        assertThat(sum.p50Millis()).isBetween(10.0, 12.0);
        assertThat(sum.p95Millis()).isBetween(10.0, 12.0);
        assertThat(sum.p99Millis()).isEqualTo(2000.0);
        assertThat(sum.connectedAgents()).isEqualTo(2);
    }

    @Test
    void theSummaryCountsOnlyTheWindowsBuckets() {
        List<OpsBuckets.Row> rows = List.of(row("a", T0 - 1, 1, 100, 5000), row("a", T0, 1, 3, 7));

        OpsPoint sum = OpsMerge.summary(rows, T0, T0 + 1, null);

        assertThat(sum.dispatched()).isEqualTo(3);
        assertThat(sum.p99Millis()).isEqualTo(7.0);
        assertThat(sum.connectedAgents()).isNull();
        assertThat(sum.at()).isEqualTo(OpsHistory.start(T0));
    }
}
