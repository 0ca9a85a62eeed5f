package io.enginex.edge.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.testing.TestCluster;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The cluster bus itself on a real PostgreSQL: two nodes' PgClusters on one database, no hub around them. */
class PgClusterIT {
    @TempDir
    Path dir;

    TestCluster database;
    final List<PgCluster> opened = new CopyOnWriteArrayList<>();

    /** What one node received. */
    static final class Recorder implements PgCluster.Receiver {
        final List<Signal> signals = new CopyOnWriteArrayList<>();
        final AtomicInteger missed = new AtomicInteger();

        @Override
        public void received(Signal signal) {
            signals.add(signal);
        }

        @Override
        public void missed() {
            missed.incrementAndGet();
        }
    }

    @BeforeEach
    void database() {
        database = new TestCluster(dir);
    }

    @AfterEach
    void close() {
        opened.forEach(PgCluster::close);
        database.close();
    }

    private PgCluster start(String name, Recorder recorder) throws Exception {
        PgCluster c = new PgCluster(database.database(), name, Clock.systemUTC());
        opened.add(c);
        c.start(recorder);
        return c;
    }

    @Test
    void aSignalReachesTheOtherNodeAndNotItsSender() throws Exception {
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        PgCluster a = start("a", ra);
        start("b", rb);

        a.publish(Signal.send("t1", "agt_1", "job_1"));

        await().atMost(Duration.ofSeconds(20)).until(() -> rb.signals.size() == 1);
        assertThat(rb.signals).containsExactly(Signal.send("t1", "agt_1", "job_1"));
        assertThat(ra.signals).as("a node drops its own signals").isEmpty();
    }

    @Test
    void aBurstOfSignalsArrivesWholeInFarFewerStatements() throws Exception {
        Recorder rb = new Recorder();
        PgCluster a = start("a", new Recorder());
        start("b", rb);

        for (int i = 0; i < 2_000; i++) {
            a.publish(Signal.done("t1", "job_" + i));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> rb.signals.size() == 2_000);
        assertThat(rb.signals).extracting(Signal::jobId).doesNotHaveDuplicates();
        assertThat(a.sent()).isEqualTo(2_000);
        assertThat(a.statements()).isLessThan(2_000 / 10);
    }

    @Test
    void exactlyOneLeadsAndTheOtherTakesOverWhenItStops() throws Exception {
        PgCluster a = start("a", new Recorder());
        PgCluster b = start("b", new Recorder());
        assertThat(a.leads()).isTrue();
        assertThat(b.leads()).isFalse();

        a.close();

        await().atMost(Duration.ofSeconds(20)).until(b::leads);
    }

    @Test
    void aSecondNodeOfTheSameNameIsRefusedAndTheNameIsFreeOnceTheFirstStops() throws Exception {
        PgCluster first = start("same", new Recorder());

        assertThatThrownBy(() -> start("same", new Recorder()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--node-name");

        first.close();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> start("same", new Recorder()));
    }

    @Test
    void whenTheListeningConnectionIsKilledTheNodeSaysItMayHaveMissedSignalsAndHearsAgain() throws Exception {
        Recorder rb = new Recorder();
        PgCluster a = start("a", new Recorder());
        PgCluster b = start("b", rb);

        terminate("enginex-hub listen b");

        await().atMost(Duration.ofSeconds(30)).until(() -> rb.missed.get() >= 1);
        a.publish(Signal.cut("t1", "agt_9"));
        await().atMost(Duration.ofSeconds(30)).until(() -> rb.signals.contains(Signal.cut("t1", "agt_9")));
        assertThat(b.received()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void signalsPublishedWhileTheSendingConnectionIsKilledAreSentOnANewOne() throws Exception {
        Recorder rb = new Recorder();
        PgCluster a = start("a", new Recorder());
        start("b", rb);
        a.publish(Signal.live("t1"));
        await().atMost(Duration.ofSeconds(20)).until(() -> rb.signals.size() == 1);

        terminate("enginex-hub notify a");
        a.publish(Signal.done("t1", "job_after"));

        await().atMost(Duration.ofSeconds(30)).until(() -> rb.signals.contains(Signal.done("t1", "job_after")));
    }

    private void terminate(String applicationName) throws Exception {
        try (Connection c = DriverManager.getConnection(database.database().jdbcUrl(), "postgres", "");
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '"
                    + applicationName + "'");
        }
    }
}
