package io.enginex.edge.server.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.FakeOpsBuckets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cluster view from this node's memory and another node's written buckets (a fake table): what
 * each node did is summed, one node's view shows one, a tenant's view has only its own rows.
 */
class ClusterHistoryTest {
    private static final String T = "ten_a";
    private static final String U = "ten_b";

    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:05Z"));
    private final FakeOpsBuckets table = new FakeOpsBuckets();
    private final Map<String, Integer> hereByTenant = new HashMap<>(Map.of(T, 1));
    private final OpsHistory here = new OpsHistory(
            clock,
            "node-a",
            OpsHistory.ConnectedAgents.of(
                    () -> hereByTenant.values().stream().mapToInt(i -> i).sum(), () -> hereByTenant));
    private final ClusterHistory cluster = new ClusterHistory(
            here,
            table,
            scope -> new AgentCounts(
                    scope.all()
                            ? hereByTenant.values().stream().mapToInt(i -> i).sum()
                            : hereByTenant.getOrDefault(scope.tenantId(), 0),
                    0,
                    0),
            () -> List.of("node-a", "node-b", "node-c"),
            clock);

    /** What node-b wrote for its bucket {@code index}: its totals and tenant T's and U's rows. */
    private void nodeBWrote(long index, long tDispatched, long uDispatched, int... tLatency) {
        var bins = new LatencyBins();
        for (int ms : tLatency) {
            bins.record(Duration.ofMillis(ms));
        }
        table.write(List.of(
                new OpsBuckets.Row("node-b", null, index, 3, 1, 0, 0, 0, tDispatched + uDispatched, 0, 0, bins.copy()),
                new OpsBuckets.Row("node-b", T, index, 2, 1, 0, 0, 0, tDispatched, tLatency.length, 0, bins),
                new OpsBuckets.Row("node-b", U, index, 1, 0, 0, 0, 0, uDispatched, 0, 0, null)));
    }

    @Test
    void theClusterSumsThisNodesMemoryAndTheOtherNodesBuckets() {
        long now = here.currentIndex();
        here.dispatched(T);
        here.completed(T, false, Duration.ofMillis(10));
        nodeBWrote(now - 1, 4, 100, 2000);

        ClusterHistory.View view = cluster.view(OpsScope.tenant(T), null, Duration.ofMinutes(5));

        assertThat(view.cluster()).isTrue();
        assertThat(view.nodes()).containsExactly("node-a", "node-b");
        assertThat(view.summary().dispatched()).isEqualTo(5);
        assertThat(view.summary().completed()).isEqualTo(2);
        assertThat(view.summary().p99Millis()).as("merged, not averaged").isEqualTo(2000.0);
        assertThat(view.summary().p50Millis()).isBetween(10.0, 12.0);
        assertThat(view.agents())
                .as("one agent here, two on node-b as its bucket closed")
                .isEqualTo(new AgentCounts(3, 1, 0));
        assertThat(view.summary().connectedAgents()).isEqualTo(3);
        List<OpsPoint> buckets = view.buckets();
        assertThat(buckets.get(buckets.size() - 2).dispatched()).isEqualTo(4);
        assertThat(buckets.getLast().dispatched())
                .as("the current bucket: this node's so far")
                .isEqualTo(1);
    }

    @Test
    void oneNodesViewShowsThatNodeOnly() {
        long now = here.currentIndex();
        here.dispatched(T);
        nodeBWrote(now - 1, 4, 0);

        ClusterHistory.View b = cluster.view(OpsScope.tenant(T), "node-b", Duration.ofMinutes(5));
        ClusterHistory.View a = cluster.view(OpsScope.tenant(T), "node-a", Duration.ofMinutes(5));

        assertThat(b.cluster()).isFalse();
        assertThat(b.nodes()).containsExactly("node-b");
        assertThat(b.summary().dispatched()).isEqualTo(4);
        assertThat(b.agents().connected()).isEqualTo(2);
        assertThat(a.nodes()).containsExactly("node-a");
        assertThat(a.summary().dispatched()).isEqualTo(1);
        assertThat(a.agents().connected()).isEqualTo(1);
    }

    @Test
    void aTenantsViewHasOnlyItsOwnRowsAndEveryTenantsViewHasTheNodeTotals() {
        long now = here.currentIndex();
        nodeBWrote(now - 1, 4, 100);

        assertThat(cluster.view(OpsScope.tenant(U), null, Duration.ofMinutes(5))
                        .summary()
                        .dispatched())
                .isEqualTo(100);
        assertThat(cluster.view(OpsScope.tenant("ten_other"), null, Duration.ofMinutes(5))
                        .summary()
                        .dispatched())
                .isZero();
        assertThat(cluster.view(OpsScope.ALL, null, Duration.ofMinutes(5))
                        .summary()
                        .dispatched())
                .isEqualTo(104);
        assertThat(cluster.view(OpsScope.ALL, null, Duration.ofMinutes(5))
                        .agents()
                        .connected())
                .isEqualTo(1 + 3);
    }

    @Test
    void aNodeThatStoppedWritingKeepsItsBucketsButNoLongerCountsAgentsNow() {
        long now = here.currentIndex();
        nodeBWrote(now - 1, 4, 0);
        clock.advance(Duration.ofSeconds(10L * (ClusterHistory.LIVE_BUCKETS + 1)));

        ClusterHistory.View view = cluster.view(OpsScope.tenant(T), null, Duration.ofMinutes(5));

        assertThat(view.summary().dispatched()).isEqualTo(4);
        assertThat(view.agents().connected()).isEqualTo(1);
        assertThat(view.nodes()).containsExactly("node-a", "node-b");
    }

    @Test
    void thisNodesBucketsOfAnEarlierRunComeFromTheTableAndThoseOfThisRunFromMemory() {
        long now = here.currentIndex();
        table.write(List.of(
                new OpsBuckets.Row("node-a", T, now - 3, 1, 0, 0, 0, 0, 7, 0, 0, null),
                new OpsBuckets.Row("node-a", T, now, 1, 0, 0, 0, 0, 1000, 0, 0, null)));
        here.dispatched(T);

        ClusterHistory.View view = cluster.view(OpsScope.tenant(T), "node-a", Duration.ofMinutes(5));

        assertThat(view.summary().dispatched()).isEqualTo(7 + 1);
    }

    @Test
    void aNodeNobodyKnowsIsNotFoundAndAKnownNodeWithoutBucketsIsEmpty() {
        assertThatThrownBy(() -> cluster.view(OpsScope.tenant(T), "node-z", Duration.ofMinutes(5)))
                .isInstanceOf(HubException.NotFound.class)
                .hasMessageContaining("node-z")
                .hasMessageContaining("GET /api/v1/ops/nodes");

        ClusterHistory.View c = cluster.view(OpsScope.tenant(T), "node-c", Duration.ofMinutes(5));

        assertThat(c.summary().dispatched()).isZero();
        assertThat(c.agents()).isEqualTo(AgentCounts.NONE);
        assertThat(cluster.nodes()).containsExactly("node-a", "node-b", "node-c");
    }

    @Test
    void theAvailableWindowGrowsWithTheClustersAgeUpToAnHour() {
        assertThat(cluster.available(Duration.ofMinutes(5))).isEqualTo(Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(20));
        assertThat(cluster.available(Duration.ofMinutes(5)))
                .isEqualTo(Duration.ofMinutes(20).plusSeconds(10));
        clock.advance(Duration.ofHours(2));
        assertThat(cluster.available(Duration.ofMinutes(5))).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void theWindowReachesBackToTheOldestNodesFirstBucket() {
        long now = here.currentIndex();
        table.write(List.of(new OpsBuckets.Row("node-b", null, now - 60, 0, 0, 0, 0, 0, 0, 0, 0, null)));

        assertThat(cluster.available(Duration.ofMinutes(5))).isEqualTo(Duration.ofSeconds(610));
        assertThat(cluster.available(Duration.ofMinutes(20))).isEqualTo(Duration.ofMinutes(20));
    }
}
