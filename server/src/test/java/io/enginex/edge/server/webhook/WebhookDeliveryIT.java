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
    void theDashboardShowsAnAdminTheEndpointsAndTheirDeliveryLog() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String email = TestHub.randomId("hooks") + "@example.com";
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", "admin", "password", TestHub.USER_PASSWORD));
        var login = hub.api().post("/api/v1/login", null, Map.of("email", email, "password", TestHub.USER_PASSWORD));
        String cookie = login.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        try (WebhookReceiver receiver = WebhookReceiver.start().otherwise(502);
                AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            String endpoint = register(
                            hub,
                            tenant,
                            admin,
                            Map.of("url", receiver.url(), "eventTypes", java.util.List.of("job.finished")),
                            "page")
                    .get("id");
            runJob(hub, tenant, session, agent, socket);
            await().atMost(WAIT).until(() -> !receiver.received().isEmpty());
            await().atMost(WAIT).untilAsserted(() -> {
                var page = hub.api().exchange("GET", "/ui/webhooks", null, Map.of("Cookie", cookie), null);
                assertThat(page.status()).isEqualTo(200);
                assertThat(page.text())
                        .contains(endpoint)
                        .contains(receiver.url())
                        .contains("job.finished")
                        .contains("pending")
                        .contains("the endpoint answered HTTP 502")
                        .doesNotContain("whsec_");
            });
        }
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
