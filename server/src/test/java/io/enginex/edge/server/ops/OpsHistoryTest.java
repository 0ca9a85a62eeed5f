package io.enginex.edge.server.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class OpsHistoryTest {
    private static final String T = "ten_a";
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:05Z"));
    private final AtomicInteger connected = new AtomicInteger();
    private final OpsHistory history = new OpsHistory(
            clock, "hub-1", OpsHistory.ConnectedAgents.of(connected::get, () -> Map.of(T, connected.get())));

    @Test
    void eventsLandInTheTenSecondBucketOfTheirTime() {
        connected.set(2);
        history.connected(T);
        history.connected(T);
        history.dispatched(T);
        clock.advance(Duration.ofSeconds(10));
        connected.set(1);
        history.disconnected(T);
        history.dispatched(T);
        history.completed(T, true, Duration.ofMillis(40));

        List<OpsPoint> points = history.series(OpsScope.ALL, Duration.ofSeconds(20));

        assertThat(points).hasSize(2);
        OpsPoint first = points.get(0);
        assertThat(first.at()).isEqualTo(Instant.parse("2026-11-26T10:00:00Z"));
        assertThat(first.connects()).isEqualTo(2);
        assertThat(first.dispatched()).isEqualTo(1);
        assertThat(first.connectedAgents()).isEqualTo(2);
        OpsPoint second = points.get(1);
        assertThat(second.at()).isEqualTo(Instant.parse("2026-11-26T10:00:10Z"));
        assertThat(second.disconnects()).isEqualTo(1);
        assertThat(second.completed()).isEqualTo(1);
        assertThat(second.errors()).isEqualTo(1);
        assertThat(second.connectedAgents()).isEqualTo(1);
        assertThat(second.p50Millis()).isEqualTo(40.0);
    }

    @Test
    void aQuietBucketIsListedWithZerosAndNoSample() {
        history.dispatched(T);
        clock.advance(Duration.ofSeconds(30));

        List<OpsPoint> points = history.series(OpsScope.ALL, Duration.ofSeconds(40));

        assertThat(points).extracting(OpsPoint::dispatched).containsExactly(1L, 0L, 0L, 0L);
        assertThat(points.get(1).connectedAgents()).isNull();
        assertThat(points.get(3).connectedAgents()).isEqualTo(0); // sampled by the read itself
        assertThat(points.get(1).p50Millis()).isNull();
    }

    @Test
    void theWholeHourIsKeptAndNothingOlder() {
        history.dispatched(T); // 10:00:00 bucket
        clock.advance(Duration.ofMinutes(59).plusSeconds(50)); // 10:59:55, the hour's last bucket
        history.dispatched(T);

        assertThat(history.series(OpsScope.ALL, Duration.ofHours(1))).hasSize(OpsHistory.BUCKETS);
        assertThat(history.summary(OpsScope.ALL, Duration.ofHours(1)).dispatched())
                .isEqualTo(2);

        clock.advance(Duration.ofSeconds(10)); // the 10:00:00 slot is reused for 11:00:00
        history.connected(T);

        List<OpsPoint> hour = history.series(OpsScope.ALL, Duration.ofHours(2)); // capped at an hour
        assertThat(hour).hasSize(OpsHistory.BUCKETS);
        assertThat(hour.get(hour.size() - 1).dispatched()).isZero();
        assertThat(hour.get(hour.size() - 1).connects()).isEqualTo(1);
        assertThat(history.summary(OpsScope.ALL, Duration.ofHours(1)).dispatched())
                .isEqualTo(1);
    }

    @Test
    void percentilesAreWithinABinOfTheTruthAndNeverAboveTheLargest() {
        for (int ms = 1; ms <= 100; ms++) {
            history.completed(T, false, Duration.ofMillis(ms));
        }

        OpsPoint p = history.summary(OpsScope.ALL, Duration.ofMinutes(1));

        assertThat(p.completed()).isEqualTo(100);
        assertThat(p.errors()).isZero();
        assertThat(p.p50Millis()).isBetween(50.0, 50 * 1.19);
        assertThat(p.p95Millis()).isBetween(95.0, 100.0);
        assertThat(p.p99Millis()).isBetween(99.0, 100.0);
    }

    @Test
    void aJobWithoutLatencyCountsButAddsNoPercentile() {
        history.completed(T, true, null);

        OpsPoint p = history.summary(OpsScope.ALL, Duration.ofMinutes(1));

        assertThat(p.completed()).isEqualTo(1);
        assertThat(p.errors()).isEqualTo(1);
        assertThat(p.p99Millis()).isNull();
    }

    @Test
    void summarySumsTheWindowAcrossBuckets() {
        history.connected(T);
        history.completed(T, false, Duration.ofMillis(10));
        clock.advance(Duration.ofSeconds(20));
        history.connected(T);
        history.completed(T, false, Duration.ofMillis(1000));
        connected.set(7);

        OpsPoint p = history.summary(OpsScope.ALL, Duration.ofMinutes(5));

        assertThat(p.connects()).isEqualTo(2);
        assertThat(p.completed()).isEqualTo(2);
        assertThat(p.connectedAgents()).isEqualTo(7);
        assertThat(p.p99Millis()).isEqualTo(1000.0);
        assertThat(p.p50Millis()).isBetween(10.0, 12.0);
    }

    @Test
    void latencyBinsCoverAnHourInAFixedSize() {
        assertThat(LatencyBins.bin(0.2)).isZero();
        assertThat(LatencyBins.bin(Duration.ofHours(5).toMillis())).isEqualTo(LatencyBins.BINS - 1);
        assertThat(LatencyBins.upperEdge(LatencyBins.BINS - 2))
                .isGreaterThan(Duration.ofHours(1).toMillis());
    }

    @Test
    void aTenantsScopeCountsOnlyItsOwnAgentsAndJobs() {
        var perTenant = new java.util.HashMap<String, Integer>(Map.of(T, 1, "ten_b", 3));
        var split = new OpsHistory(clock, "hub-1", OpsHistory.ConnectedAgents.of(() -> 4, () -> perTenant));
        split.connected(T);
        split.dispatched("ten_b");
        split.dispatched("ten_b");
        split.completed("ten_b", true, Duration.ofMillis(900));

        OpsPoint a = split.summary(OpsScope.tenant(T), Duration.ofMinutes(1));
        OpsPoint b = split.summary(OpsScope.tenant("ten_b"), Duration.ofMinutes(1));
        OpsPoint node = split.summary(OpsScope.ALL, Duration.ofMinutes(1));

        assertThat(a.connects()).isEqualTo(1);
        assertThat(a.dispatched()).isZero();
        assertThat(a.errors()).isZero();
        assertThat(a.p99Millis()).isNull();
        assertThat(a.connectedAgents()).isEqualTo(1);
        assertThat(b.dispatched()).isEqualTo(2);
        assertThat(b.connectedAgents()).isEqualTo(3);
        assertThat(node.dispatched()).isEqualTo(2);
        assertThat(node.connects()).isEqualTo(1);
        assertThat(node.connectedAgents()).isEqualTo(4);
        assertThat(split.summary(OpsScope.tenant("ten_never"), Duration.ofMinutes(1))
                        .connectedAgents())
                .isZero();
    }

    @Test
    void aTenantsRingIsDroppedAfterAnHourWithoutEventsOrAgents() {
        var perTenant = new java.util.HashMap<String, Integer>();
        var split = new OpsHistory(clock, "hub-1", OpsHistory.ConnectedAgents.of(() -> 0, () -> perTenant));
        split.dispatched(T);
        clock.advance(Duration.ofMinutes(30));
        split.sample();
        assertThat(split.summary(OpsScope.tenant(T), Duration.ofHours(1)).dispatched())
                .isEqualTo(1);

        clock.advance(Duration.ofMinutes(31));
        split.sample();

        assertThat(split.summary(OpsScope.tenant(T), Duration.ofHours(1)).dispatched())
                .isZero();
        assertThat(split.series(OpsScope.tenant(T), Duration.ofHours(1)))
                .allSatisfy(p -> assertThat(p.dispatched()).isZero());
    }

    @Test
    void aFinishedBucketIsWrittenAsTheNodesTotalsAndTheTenantsThatHadAnything() {
        var split = new OpsHistory(
                clock, "hub-1", OpsHistory.ConnectedAgents.of(() -> 2, () -> Map.of(T, 2, "ten_quiet", 0)));
        split.sample();
        split.dispatched(T);
        split.completed(T, false, Duration.ofMillis(30));
        long first = split.currentIndex();
        assertThat(split.finished(first - 1, Map.of()))
                .as("nothing finished yet")
                .isEmpty();

        clock.advance(Duration.ofSeconds(10));
        List<OpsBuckets.Row> rows = split.finished(first - 1, Map.of(T, new AgentCounts(2, 1, 0)));

        assertThat(rows).extracting(OpsBuckets.Row::tenantId).containsExactlyInAnyOrder(null, T);
        OpsBuckets.Row total =
                rows.stream().filter(r -> r.tenantId() == null).findFirst().orElseThrow();
        OpsBuckets.Row tenant =
                rows.stream().filter(r -> T.equals(r.tenantId())).findFirst().orElseThrow();
        assertThat(total.node()).isEqualTo("hub-1");
        assertThat(total.index()).isEqualTo(first);
        assertThat(total.dispatched()).isEqualTo(1);
        assertThat(tenant.completed()).isEqualTo(1);
        assertThat(tenant.latency().quantileMillis(0.5)).isEqualTo(30.0);
        assertThat(List.of(tenant.connected(), tenant.busy(), tenant.unresponsive()))
                .as("the agents as the bucket closed")
                .containsExactly(2, 1, 0);
        assertThat(List.of(total.connected(), total.busy())).containsExactly(2, 1);
    }

    @Test
    void quietBucketsWriteTheNodesTotalsOnlyAndEarlierOnesKeepTheirSample() {
        long first = history.currentIndex();
        history.dispatched(T);
        clock.advance(Duration.ofSeconds(30));

        List<OpsBuckets.Row> rows = history.finished(first - 1, Map.of());

        assertThat(rows)
                .as("three finished buckets: the node's totals of each, the tenant's of the first")
                .extracting(r -> r.tenantId() + "@" + (r.index() - first))
                .containsExactly("null@0", T + "@0", "null@1", "null@2");
        assertThat(rows.get(0).busy())
                .as("not the closing bucket: no state sample")
                .isNull();
        assertThat(rows.get(3).connected()).isZero();
        assertThat(history.finished(first + 1, Map.of()))
                .extracting(OpsBuckets.Row::index)
                .containsExactly(first + 2);
    }

    @Test
    void aTenantWithConnectedAgentsButNoEventsIsWrittenWithThem() {
        long first = history.currentIndex();
        clock.advance(Duration.ofSeconds(10));

        List<OpsBuckets.Row> rows = history.finished(first - 1, Map.of("ten_idle", new AgentCounts(5, 0, 1)));

        assertThat(rows).extracting(OpsBuckets.Row::tenantId).containsExactly(null, "ten_idle");
        assertThat(rows.get(1).connected()).isEqualTo(5);
        assertThat(rows.get(1).unresponsive()).isEqualTo(1);
    }
}
