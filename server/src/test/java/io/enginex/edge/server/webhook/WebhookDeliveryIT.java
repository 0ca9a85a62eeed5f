package io.enginex.edge.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.WebhookReceiver;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link WebhookDeliveryContract} on the embedded database, and a delivery that survives a hub restart. */
class WebhookDeliveryIT extends WebhookDeliveryContract {
    @TempDir
    static Path dir;

    @TempDir
    static Path restartDir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir, b -> b.webhooks(FOR_TESTS), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Override
    TestHub hub() {
        return hub;
    }

    @Test
    void aPendingDeliveryIsSentAfterTheHubRestarts() {
        String tenant;
        String admin;
        String endpoint;
        try (WebhookReceiver receiver = WebhookReceiver.start().otherwise(500)) {
            TestHub first = TestHub.start(restartDir, b -> b.webhooks(FOR_TESTS), Clock.systemUTC());
            try {
                tenant = first.newTenant();
                admin = first.tenantKey(tenant, "admin");
                String session = first.newSession(tenant);
                TestAgent agent = first.register(tenant);
                Response created = register(
                        first,
                        tenant,
                        admin,
                        Map.of("url", receiver.url(), "eventTypes", java.util.List.of("job.finished")),
                        "restart");
                endpoint = created.get("id");
                try (AgentSocket socket = first.connectReady(agent, "sys.ping")) {
                    runJob(first, tenant, session, agent, socket);
                }
                await().atMost(WAIT).until(() -> !receiver.received().isEmpty());
            } finally {
                first.close();
            }
            receiver.otherwise(200);
            TestHub second = TestHub.start(restartDir, b -> b.webhooks(FOR_TESTS), Clock.systemUTC());
            try {
                String log = webhooks(tenant) + "/" + endpoint + "/deliveries";
                await().atMost(WAIT).untilAsserted(() -> {
                    JsonNode deliveries = second.api().get(log, admin).body();
                    assertThat(deliveries).hasSize(1);
                    assertThat(deliveries.get(0).path("state").asText()).isEqualTo("succeeded");
                });
                assertThat(receiver.received().getLast().answered()).isEqualTo(200);
            } finally {
                second.close();
            }
        }
    }
}
