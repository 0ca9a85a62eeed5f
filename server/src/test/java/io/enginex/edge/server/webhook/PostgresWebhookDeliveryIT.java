package io.enginex.edge.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WebhookDeliveryContract} on PostgreSQL with two hub nodes on one database: each event is
 * delivered once, by the node that leads, whichever node made or finished the job.
 */
class PostgresWebhookDeliveryIT extends WebhookDeliveryContract {
    @TempDir
    static Path dir;

    static TestCluster cluster;
    static TestHub nodeA;
    static TestHub nodeB;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dir);
        nodeA = cluster.start("hooks-a", b -> b.webhooks(FOR_TESTS));
        nodeB = cluster.start("hooks-b", b -> b.webhooks(FOR_TESTS));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    @Override
    TestHub hub() {
        return nodeB;
    }

    @Test
    void withTwoNodesEachEventIsDeliveredOnce() throws Exception {
        String tenant = nodeA.newTenant();
        String admin = nodeA.tenantKey(tenant, "admin");
        String session = nodeA.newSession(tenant);
        TestAgent agent = nodeB.register(tenant);
        try (WebhookReceiver receiver = WebhookReceiver.start();
                AgentSocket socket = nodeB.connectReady(agent, "sys.ping")) {
            Response created = register(nodeA, tenant, admin, Map.of("url", receiver.url()), "two-nodes");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            runJob(nodeA, tenant, session, agent, socket);
            runJob(nodeB, tenant, session, agent, socket);
            runJob(nodeA, tenant, session, agent, socket);
            await().atMost(WAIT).until(() -> receiver.received().size() >= 6);
            await().during(Duration.ofSeconds(2))
                    .atMost(WAIT)
                    .until(() -> receiver.received().size() == 6);
            Set<String> ids = new HashSet<>();
            Set<String> events = new HashSet<>();
            for (var r : receiver.received()) {
                ids.add(r.header("webhook-id"));
                events.add(TestHub.MAPPER
                        .readTree(r.body())
                        .path("data")
                        .path("id")
                        .asText());
            }
            assertThat(ids).as("six deliveries").hasSize(6);
            assertThat(events).as("three jobs' created and finished, each once").hasSize(6);
        }
    }
}
