package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops console and {@code GET /api/v1/ops/metrics} count only the caller's tenant: with all the
 * activity in tenant B (an agent connected, a job sent and finished), tenant A's admin sees none of
 * it on the page, in its live stream or through the API; only a platform key sees the whole node.
 */
class OpsTenantScopeIT {
    private static final Pattern COUNT = Pattern.compile("data-count=\"([a-z]+)\">(\\d+)<");

    @TempDir
    static Path dir;

    static TestHub hub;
    static String a;
    static String b;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        a = hub.newTenant();
        b = hub.newTenant();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aTenantsAdminSeesOnlyItsOwnAgentsAndJobs() {
        TestAgent agentB = hub.register(b);
        try (AgentSocket socket = hub.connectReady(agentB, "fs.list")) {
            String session = hub.newSession(b);
            String job = hub.dispatch(b, session, agentB.agentId(), "fs.list", Map.of(), 600)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            socket.send(new Result(
                    socket.nextId(),
                    job,
                    TestHub.MAPPER.createObjectNode(),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            await().until(() -> hub.job(b, job).path("state").asText().equals("succeeded"));

            Browser adminA = signedIn(a, "admin");
            assertThat(counts(adminA.get("/ui/ops").body()))
                    .containsEntry("connected", 0)
                    .containsEntry("online", 0)
                    .containsEntry("busy", 0)
                    .containsEntry("dispatched", 0)
                    .containsEntry("errors", 0);
            try (Browser.Events live = adminA.events("/ui/ops/live")) {
                await().until(() -> live.text().contains("data-count=\"dispatched\""));
                assertThat(counts(live.text()))
                        .containsEntry("connected", 0)
                        .containsEntry("online", 0)
                        .containsEntry("dispatched", 0);
            }
            JsonNode opsA = metrics(hub.tenantKey(a, "admin"));
            assertThat(opsA.path("scope").asText()).isEqualTo("tenant");
            assertThat(opsA.path("summary").path("dispatched").asLong()).isZero();
            assertThat(opsA.path("summary").path("completed").asLong()).isZero();
            assertThat(opsA.path("summary").path("connects").asLong()).isZero();
            assertThat(opsA.path("summary").path("connectedAgents").asInt()).isZero();
            assertThat(opsA.path("summary").path("latencyMs").path("p50").isNumber())
                    .isFalse();
            assertThat(opsA.path("agents").path("online").asInt()).isZero();

            // B's own admin, and the platform, do see it: the numbers are there, just not A's.
            JsonNode opsB = metrics(hub.tenantKey(b, "admin"));
            assertThat(opsB.path("summary").path("dispatched").asLong()).isEqualTo(1);
            assertThat(opsB.path("summary").path("connects").asLong()).isEqualTo(1);
            assertThat(opsB.path("agents").path("online").asInt()).isEqualTo(1);
            assertThat(counts(signedIn(b, "admin").get("/ui/ops").body()))
                    .containsEntry("connected", 1)
                    .containsEntry("dispatched", 1);
            JsonNode node = metrics(hub.platformKey());
            assertThat(node.path("scope").asText()).isEqualTo("all");
            assertThat(node.path("summary").path("dispatched").asLong()).isEqualTo(1);
            assertThat(node.path("agents").path("online").asInt()).isEqualTo(1);
        }
    }

    static JsonNode metrics(String key) {
        var r = hub.api().get("/api/v1/ops/metrics?minutes=60", key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    static Browser signedIn(String tenant, String role) {
        return hub.signedIn(tenant, role);
    }

    /** The panel's counters ({@code data-count="dispatched">3<}), the last of each name. */
    static Map<String, Integer> counts(String html) {
        Map<String, Integer> out = new java.util.HashMap<>();
        Matcher m = COUNT.matcher(html);
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }
}
