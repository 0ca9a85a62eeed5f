package io.enginex.edge.server.ops;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;

import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestHub;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Not a test (its name keeps it out of the build): what the shared ops buckets cost on PostgreSQL
 * (BENCHMARKS.md, "Ops buckets"). Three nodes ({@link OpsHistory} and {@link OpsWriter} each, on one
 * fake clock) with N tenants active in every bucket (a dispatch, a connect and a finished job each)
 * write an hour of buckets (360 each) to one scratch database; the probe counts the writes and the
 * database's own transaction and row counters, times each write, then times the cluster view (a
 * tenant's and every tenant's, the table read cold) and the leader's purge of one bucket. Run with
 * {@code ./mvnw -pl server verify -DskipPackages -Dtest=none -Dit.test=OpsBucketsProbe
 * -Dsurefire.failIfNoSpecifiedTests=false -Dfailsafe.failIfNoSpecifiedTests=false} and read the {@code
 * PROBE} lines; {@code -Dprobe.tenants=1,10,100,1000} chooses N.
 */
class OpsBucketsProbe {
    static final int NODES = 3;

    @Test
    void probe() {
        for (String n : System.getProperty("probe.tenants", "1,10,100,1000").split(",")) {
            run(Integer.parseInt(n.strip()));
        }
    }

    private static void run(int tenants) {
        String database = TestHub.randomId("ops_probe").replace('-', '_').toLowerCase(Locale.ROOT);
        admin("CREATE DATABASE " + database);
        DatabaseConfig config = DatabaseConfig.of(SERVER + database, "postgres", "");
        try {
            JdbcStores.open(config, Clock.systemUTC()).close(); // migrated; its sessions' counters flushed
            long xactBefore = transactions(database);
            FakeClock clock = new FakeClock(Instant.parse("2026-12-06T10:00:00.500Z"));
            Map<String, AgentCounts> agents = new HashMap<>();
            for (int t = 0; t < tenants; t++) {
                agents.put("ten_" + t, new AgentCounts(4, 1, 0));
            }
            List<OpsHistory> nodes = new ArrayList<>();
            List<OpsWriter> writers = new ArrayList<>();
            Random random = new Random(tenants);
            long[] writeMicros = new long[OpsHistory.BUCKETS * NODES];
            try (JdbcStores stores = JdbcStores.open(config, Clock.systemUTC())) {
                JdbcOpsBuckets table = new JdbcOpsBuckets(stores.jdbi());
                for (int i = 0; i < NODES; i++) {
                    OpsHistory h = new OpsHistory(clock, "node-" + i, OpsHistory.ConnectedAgents.of(() -> 0, Map::of));
                    nodes.add(h);
                    writers.add(new OpsWriter(h, table, () -> agents, clock));
                }
                int w = 0;
                for (int bucket = 0; bucket < OpsHistory.BUCKETS; bucket++) {
                    for (OpsHistory h : nodes) {
                        for (int t = 0; t < tenants; t++) {
                            String tenant = "ten_" + t;
                            h.connected(tenant);
                            h.dispatched(tenant);
                            h.completed(tenant, false, Duration.ofMillis(5 + random.nextInt(400)));
                        }
                    }
                    clock.advance(OpsHistory.BUCKET);
                    for (OpsWriter writer : writers) {
                        long t0 = System.nanoTime();
                        writer.run();
                        writeMicros[w++] = (System.nanoTime() - t0) / 1000;
                    }
                }
            }
            // the writing sessions have ended, so their transaction counts are in pg_stat_database; the
            // second open's migration check is in them too (a few transactions)
            long xact = transactions(database) - xactBefore;
            long writes = writers.stream().mapToLong(OpsWriter::writes).sum();
            long rows = writers.stream().mapToLong(OpsWriter::rows).sum();
            Arrays.sort(writeMicros);

            try (JdbcStores stores = JdbcStores.open(config, Clock.systemUTC())) {
                JdbcOpsBuckets table = new JdbcOpsBuckets(stores.jdbi());
                stores.jdbi().useHandle(h -> h.execute("ANALYZE ops_buckets"));
                long bytes = stores.jdbi()
                        .withHandle(h -> h.createQuery("SELECT pg_total_relation_size('ops_buckets')")
                                .mapTo(Long.class)
                                .one());
                long[] tenantRead = new long[11];
                long[] allRead = new long[11];
                for (int i = 0; i < tenantRead.length; i++) {
                    // a new reader each time, so the table is read and not the reader's one-second cache
                    ClusterHistory view =
                            new ClusterHistory(nodes.getFirst(), table, s -> AgentCounts.NONE, List::of, clock);
                    long t0 = System.nanoTime();
                    view.view(OpsScope.tenant("ten_" + random.nextInt(tenants)), null, Duration.ofHours(1));
                    tenantRead[i] = (System.nanoTime() - t0) / 1000;
                    view = new ClusterHistory(nodes.getFirst(), table, s -> AgentCounts.NONE, List::of, clock);
                    t0 = System.nanoTime();
                    view.view(OpsScope.ALL, null, Duration.ofHours(1));
                    allRead[i] = (System.nanoTime() - t0) / 1000;
                }
                Arrays.sort(tenantRead);
                Arrays.sort(allRead);
                clock.advance(OpsHistory.BUCKET);
                long t0 = System.nanoTime();
                int purged = table.purge(OpsHistory.bucketOf(clock.instant()) - OpsHistory.BUCKETS);
                long purgeMicros = (System.nanoTime() - t0) / 1000;

                System.out.printf(
                        Locale.ROOT,
                        "PROBE tenants=%d nodes=%d buckets/node=%d writes=%d (%.2f per node per bucket)"
                                + " transactions=%d rows=%d (%.1f per write) write p50=%.2f ms p99=%.2f ms"
                                + " max=%.2f ms table=%.1f MiB (%.0f B/row) read cold, an hour: one tenant p50=%.2f"
                                + " ms, every tenant p50=%.2f ms; purge of one bucket=%d rows in %.2f ms%n",
                        tenants,
                        NODES,
                        OpsHistory.BUCKETS,
                        writes,
                        writes / (double) (NODES * OpsHistory.BUCKETS),
                        xact,
                        rows,
                        rows / (double) writes,
                        writeMicros[writeMicros.length / 2] / 1000.0,
                        writeMicros[writeMicros.length * 99 / 100] / 1000.0,
                        writeMicros[writeMicros.length - 1] / 1000.0,
                        bytes / 1048576.0,
                        bytes / (double) rows,
                        tenantRead[tenantRead.length / 2] / 1000.0,
                        allRead[allRead.length / 2] / 1000.0,
                        purged,
                        purgeMicros / 1000.0);
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /**
     * The database's committed transactions, as PostgreSQL counts them, once the count stops moving
     * (a session that ended reports its count as it exits).
     */
    private static long transactions(String database) {
        long last = -1;
        for (int same = 0; same < 20; ) {
            long now = transactionsNow(database);
            same = now == last ? same + 1 : 0;
            last = now;
        }
        return last;
    }

    private static long transactionsNow(String database) {
        try (var c = java.sql.DriverManager.getConnection(SERVER + "test", "postgres", "");
                var s = c.prepareStatement("SELECT xact_commit FROM pg_stat_database WHERE datname = ?")) {
            s.setString(1, database);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
