package io.enginex.edge.server.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.config.HubConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.testing.WebhookReceiver;
import io.enginex.edge.server.testing.WebhookReceiver.Received;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Webhooks through a real hub to a real HTTP receiver on loopback (allowed by the hub's explicit
 * {@code --webhook-allow-private-targets}), on the database of the subclass: registration with an
 * Idempotency-Key and a secret shown once, type filters, signatures checked by a verifier written
 * from the Standard Webhooks specification, a retry after a 500, and the delivery log.
 */
abstract class WebhookDeliveryContract {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** What the hubs of these tests run with: private targets allowed, quick retries. */
    static final HubConfig.WebhookConfig FOR_TESTS = new HubConfig.WebhookConfig(true, Duration.ofMillis(200));

    abstract TestHub hub();

    static String webhooks(String tenant) {
        return "/api/v1/tenants/" + tenant + "/webhooks";
    }

    static Response register(TestHub hub, String tenant, String key, Map<String, Object> body, String idempotencyKey) {
        return hub.api().exchange("POST", webhooks(tenant), key, Map.of("Idempotency-Key", idempotencyKey), body);
    }

    /** Creates a job and answers it from {@code socket}; returns its id. */
    static String runJob(TestHub hub, String tenant, String session, TestAgent agent, AgentSocket socket) {
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "sys.ping", Map.of(), 60)
                .get("id")
                .asText();
        Dispatch dispatch = socket.expect(Dispatch.class);
        socket.send(new Result(
                socket.nextId(),
                dispatch.jobId(),
                TestHub.MAPPER.createObjectNode().put("pong", true),
                null,
                Instant.now(),
                Instant.now(),
                false));
        return jobId;
    }

    static void assertSigned(Received r, String secret) throws Exception {
        assertThat(StandardWebhooksVerifier.verify(
                        secret,
                        r.header("webhook-id"),
                        r.header("webhook-timestamp"),
                        r.header("webhook-signature"),
                        r.body(),
                        Instant.now()))
                .as("signature of " + r.header("webhook-id"))
                .isTrue();
        assertThat(StandardWebhooksVerifier.verify(
                        secret,
                        r.header("webhook-id"),
                        r.header("webhook-timestamp"),
                        r.header("webhook-signature"),
                        r.body().replace("succeeded", "failed"),
                        Instant.now()))
                .as("an altered body does not verify")
                .isFalse();
    }

    @Test
    void aJobsEndIsDeliveredSignedAndRetriedAfterA500() throws Exception {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        try (WebhookReceiver receiver = WebhookReceiver.start().answer(500);
                AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            Response created = register(
                    hub,
                    tenant,
                    admin,
                    Map.of("url", receiver.url(), "description", "runtime", "eventTypes", List.of("job.finished")),
                    "hook-1");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String secret = created.get("secret");
            assertThat(secret).startsWith("whsec_");
            assertThat(created.headers().firstValue("Cache-Control")).contains("no-store");
            String endpoint = created.get("id");

            Response again = register(
                    hub,
                    tenant,
                    admin,
                    Map.of("url", receiver.url(), "description", "runtime", "eventTypes", List.of("job.finished")),
                    "hook-1");
            assertThat(again.get("id"))
                    .as("the same Idempotency-Key makes no second endpoint")
                    .isEqualTo(endpoint);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).contains("true");
            Response list = hub.api().get(webhooks(tenant), admin);
            assertThat(list.body()).hasSize(1);
            assertThat(list.text())
                    .as("the secret is shown once")
                    .doesNotContain(secret)
                    .doesNotContain("whsec_");

            String jobId = runJob(hub, tenant, session, agent, socket);

            await().atMost(WAIT).until(() -> receiver.received().size() >= 2);
            List<Received> got = receiver.received();
            assertThat(got.get(0).answered()).isEqualTo(500);
            assertThat(got.get(1).answered()).isEqualTo(200);
            assertThat(got.get(1).header("webhook-id"))
                    .as("a retry carries the same webhook-id")
                    .isEqualTo(got.get(0).header("webhook-id"));
            for (Received r : got) {
                assertSigned(r, secret);
                JsonNode body = TestHub.MAPPER.readTree(r.body());
                assertThat(body.path("type").asText()).isEqualTo("job.finished");
                assertThat(body.path("data").path("jobId").asText()).isEqualTo(jobId);
                assertThat(body.path("data").path("state").asText()).isEqualTo("succeeded");
                assertThat(body.path("data").path("tenantId").asText()).isEqualTo(tenant);
            }
            assertThat(got).as("job.created is filtered out").hasSize(2);

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode log = hub.api()
                        .get(webhooks(tenant) + "/" + endpoint + "/deliveries", admin)
                        .body();
                assertThat(log).hasSize(1);
                assertThat(log.get(0).path("state").asText()).isEqualTo("succeeded");
                assertThat(log.get(0).path("attempts").asInt()).isEqualTo(2);
                assertThat(log.get(0).path("lastStatus").asInt()).isEqualTo(200);
                assertThat(log.get(0).path("eventType").asText()).isEqualTo("job.finished");
                assertThat(log.get(0).path("id").asText()).isEqualTo(got.get(0).header("webhook-id"));
            });

            JsonNode audit =
                    hub.api().get("/api/v1/tenants/" + tenant + "/audit", admin).body();
            assertThat(audit.toString()).contains("webhook.created").doesNotContain(secret);
        }
    }

    @Test
    void aFailingEndpointsLogShowsTheStatusAndErrorAndADeletedOneGetsNothingMore() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        try (WebhookReceiver receiver = WebhookReceiver.start().otherwise(503);
                AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            Response created = register(hub, tenant, admin, Map.of("url", receiver.url()), "hook-2");
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String endpoint = created.get("id");
            runJob(hub, tenant, session, agent, socket);

            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode log = hub.api()
                        .get(webhooks(tenant) + "/" + endpoint + "/deliveries", admin)
                        .body();
                assertThat(log).as("job.created and job.finished, no filter").hasSize(2);
                for (JsonNode d : log) {
                    assertThat(d.path("state").asText()).isEqualTo("pending");
                    assertThat(d.path("attempts").asInt()).isGreaterThanOrEqualTo(2);
                    assertThat(d.path("lastStatus").asInt()).isEqualTo(503);
                    assertThat(d.path("lastError").asText()).contains("HTTP 503");
                    assertThat(d.path("nextAttemptAt").isTextual()).isTrue();
                }
            });

            Response deleted = hub.api().delete(webhooks(tenant) + "/" + endpoint, admin);
            assertThat(deleted.status()).as(deleted.text()).isEqualTo(204);
            await().atMost(WAIT).untilAsserted(() -> {
                JsonNode log = hub.api()
                        .get(webhooks(tenant) + "/" + endpoint + "/deliveries", admin)
                        .body();
                assertThat(log.findValuesAsText("state")).containsOnly("failed");
            });
            int before = receiver.received().size();
            runJob(hub, tenant, session, agent, socket);
            await().during(Duration.ofSeconds(2))
                    .atMost(WAIT)
                    .until(() -> receiver.received().size() == before);
            assertThat(hub.api().get(webhooks(tenant), admin).body()).isEmpty();
        }
    }

    @Test
    void badRegistrationsAreRefusedWithTheFix() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        Response type = register(
                hub,
                tenant,
                admin,
                Map.of("url", "https://example.com/h", "eventTypes", List.of("job.exploded")),
                "b1");
        assertThat(type.status()).isEqualTo(400);
        assertThat(type.message()).contains("job.finished");
        Response scheme = register(hub, tenant, admin, Map.of("url", "ftp://example.com/h"), "b2");
        assertThat(scheme.status()).isEqualTo(400);
        assertThat(scheme.code()).isEqualTo("bad_webhook_url");
        Response operator =
                register(hub, tenant, hub.tenantKey(tenant, "operator"), Map.of("url", "https://example.com/h"), "b3");
        assertThat(operator.status()).as("tenant admins register webhooks").isEqualTo(403);
    }
}
