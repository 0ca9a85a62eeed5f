package io.enginex.edge.server.ops;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.TestHub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code ops_buckets} table on PostgreSQL (127.0.0.1:5432, as CI starts it), in a database made
 * for this class: a bucket's rows in one statement, read back by tenant and node, each node's span,
 * the purge of old rows.
 */
class PostgresOpsBucketsIT {
    private static final String DATABASE =
            TestHub.randomId("ops_buckets_it").replace('-', '_').toLowerCase(Locale.ROOT);
    private static final long T0 = OpsHistory.bucketOf(Instant.parse("2026-11-26T10:00:00Z"));

    private static JdbcStores stores;
    private static JdbcOpsBuckets buckets;

    @BeforeAll
    static void createDatabase() {
        admin("CREATE DATABASE " + DATABASE);
        stores = JdbcStores.open(DatabaseConfig.of(SERVER + DATABASE, "postgres", ""), Clock.systemUTC());
        buckets = new JdbcOpsBuckets(stores.jdbi());
    }

    @AfterAll
    static void dropDatabase() {
        try {
            if (stores != null) {
                stores.close();
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    @BeforeEach
    void emptyTheTable() {
        stores.jdbi().useHandle(h -> h.execute("DELETE FROM ops_buckets"));
    }

    private static OpsBuckets.Row row(String node, String tenant, long index, long dispatched, int... latencyMillis) {
        LatencyBins bins = null;
        if (latencyMillis.length > 0) {
            bins = new LatencyBins();
            for (int ms : latencyMillis) {
                bins.record(Duration.ofMillis(ms));
            }
        }
        return new OpsBuckets.Row(node, tenant, index, 4, 1, null, 2, 1, dispatched, latencyMillis.length, 0, bins);
    }

    @Test
    void aBucketsRowsAreWrittenInOneStatementAndReadBackAsTheyWere() {
        buckets.write(
                List.of(row("a", null, T0, 9, 5, 700), row("a", "ten_1", T0, 9, 5, 700), row("a", "ten_2", T0, 0)));

        List<OpsBuckets.Row> all = buckets.read(null, null, T0);
        List<OpsBuckets.Row> one = buckets.read("ten_1", null, T0);

        assertThat(all).singleElement().satisfies(r -> {
            assertThat(r.node()).isEqualTo("a");
            assertThat(r.tenantId()).isNull();
            assertThat(r.index()).isEqualTo(T0);
            assertThat(List.of(r.connected(), r.busy())).containsExactly(4, 1);
            assertThat(r.unresponsive()).isNull();
            assertThat(List.of(r.connects(), r.disconnects(), r.dispatched(), r.completed(), r.errors()))
                    .containsExactly(2L, 1L, 9L, 2L, 0L);
            assertThat(r.latency().quantileMillis(0.5)).isEqualTo(LatencyBins.upperEdge(LatencyBins.bin(5)));
            assertThat(r.latency().quantileMillis(0.99)).isEqualTo(700.0);
        });
        assertThat(one).singleElement().satisfies(r -> assertThat(r.tenantId()).isEqualTo("ten_1"));
        assertThat(buckets.read("ten_2", null, T0).getFirst().latency()).isNull();
    }

    @Test
    void aRowWrittenAgainIsKeptOnceAsFirstWritten() {
        buckets.write(List.of(row("a", "ten_1", T0, 3)));
        buckets.write(List.of(row("a", "ten_1", T0, 99), row("a", "ten_1", T0 + 1, 1)));

        assertThat(buckets.read("ten_1", null, T0))
                .extracting(OpsBuckets.Row::dispatched)
                .containsExactlyInAnyOrder(3L, 1L);
    }

    @Test
    void readsFilterByTenantNodeAndBucketAndSpansAreTheNodesTotals() {
        buckets.write(List.of(row("a", null, T0 - 5, 1), row("a", null, T0, 1), row("a", "ten_1", T0, 1)));
        buckets.write(List.of(row("b", null, T0 + 2, 1), row("b", "ten_1", T0 + 2, 1), row("b", "ten_1", T0 + 3, 1)));

        assertThat(buckets.read("ten_1", "b", T0))
                .extracting(OpsBuckets.Row::index)
                .containsExactlyInAnyOrder(T0 + 2, T0 + 3);
        assertThat(buckets.read("ten_1", null, T0 + 1))
                .extracting(OpsBuckets.Row::node)
                .containsOnly("b");
        assertThat(buckets.read("ten_9", null, 0)).isEmpty();
        assertThat(buckets.spans(T0 - 10))
                .isEqualTo(Map.of("a", new OpsBuckets.Span(T0 - 5, T0), "b", new OpsBuckets.Span(T0 + 2, T0 + 2)));
        assertThat(buckets.spans(T0 + 1)).containsOnlyKeys("b");
    }

    @Test
    void thePurgeDeletesTheBucketsBeforeTheOneGiven() {
        buckets.write(List.of(row("a", null, T0 - 1, 1), row("a", "ten_1", T0 - 1, 1), row("a", null, T0, 1)));

        assertThat(buckets.purge(T0)).isEqualTo(2);

        assertThat(buckets.read(null, null, 0))
                .extracting(OpsBuckets.Row::index)
                .containsExactly(T0);
    }
}
