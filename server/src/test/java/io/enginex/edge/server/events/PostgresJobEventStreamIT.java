package io.enginex.edge.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.EventStream;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JobEventStreamContract} on PostgreSQL, with two hub nodes on one database: a stream on one
 * node carries the jobs made and finished on the other, and resumes on either.
 */
class PostgresJobEventStreamIT extends JobEventStreamContract {
    @TempDir
    static Path dir;

    static TestCluster cluster;
    static TestHub nodeA;
    static TestHub nodeB;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dir);
        nodeA = cluster.start("events-a");
        nodeB = cluster.start("events-b");
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Override
    TestHub hub() {
        return nodeA;
    }

    @Test
    void aStreamOnOneNodeCarriesTheJobsOfTheOtherAndResumesOnEither() {
        String tenant = nodeA.newTenant();
        String session = nodeA.newSession(tenant);
        TestAgent agent = nodeB.register(tenant);
        String key = nodeA.tenantKey(tenant, "viewer");
        try (AgentSocket socket = nodeB.connectReady(agent, "sys.ping")) {
            String lastSeen;
            try (EventStream onA = open(nodeA, events(tenant), key, Map.of())) {
                onA.next(WAIT);
                String first = runJob(nodeB, tenant, session, agent, socket); // made and finished on B
                assertThat(take(onA, 2)).containsExactly("job.created " + first, "job.finished " + first);
                lastSeen = firstId(nodeA, tenant, key);
            }
            String second = runJob(nodeA, tenant, session, agent, socket); // made on A, run through B
            try (EventStream onB = open(nodeB, events(tenant), key, Map.of("Last-Event-ID", lastSeen))) {
                assertThat(onB.status()).as(onB.body()).isEqualTo(200);
                onB.next(WAIT);
                assertThat(take(onB, 2)).containsExactly("job.created " + second, "job.finished " + second);
            }
        }
    }

    /** The position after every event of the tenant so far, as a fresh stream's ready event gives it. */
    private static String firstId(TestHub hub, String tenant, String key) {
        try (EventStream s = EventStream.open(hub.http(), hub.url() + events(tenant), key, Map.of())) {
            return s.next(WAIT).id();
        }
    }
}
