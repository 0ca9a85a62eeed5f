package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An agent's live state in the agents API (online, busy, unresponsive, offline), its connection
 * history and the node's ops metrics, against a real hub whose clock the test moves instead of
 * sleeping past the {@code --unresponsive-after} limit.
 */
class AgentStateIT {
    @TempDir
    static Path dir;

    static final ShiftableClock clock = new ShiftableClock();
    static TestHub hub;

    @BeforeAll
    static void start() {
        // A long heartbeat, so moving the clock past the unresponsive limit does not drop the socket.
        hub = TestHub.start(
                dir, b -> b.heartbeat(Duration.ofMinutes(10)).unresponsiveAfter(Duration.ofSeconds(30)), clock);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private JsonNode agent(String tenant, String id) {
        var r = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + id, hub.platformKey());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    private String state(String tenant, String id) {
        return agent(tenant, id).path("state").asText();
    }

    @Test
    void aConnectedAgentWhoseJobGoesSilentIsUnresponsiveUntilItReportsProgress() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            await().until(() -> state(tenant, agent.agentId()).equals("online"));
            String session = hub.newSession(tenant);
            String job = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 600)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            socket.send(new Ack(socket.nextId(), job));
            await().until(() -> state(tenant, agent.agentId()).equals("busy"));
            assertThat(agent(tenant, agent.agentId()).path("jobsInFlight").asInt())
                    .isEqualTo(1);

            clock.shift(Duration.ofSeconds(31));
            socket.send(new Ping(socket.nextId())); // the socket is alive; only the job is silent

            await().until(() -> state(tenant, agent.agentId()).equals("unresponsive"));
            JsonNode view = agent(tenant, agent.agentId());
            assertThat(view.path("connected").asBoolean()).isTrue();
            assertThat(view.path("stateDetail").asText()).contains(job).contains("no ack or progress");

            socket.send(new Progress(socket.nextId(), job, "half way", 0.5));
            await().until(() -> state(tenant, agent.agentId()).equals("busy"));

            socket.send(new Result(
                    socket.nextId(),
                    job,
                    TestHub.MAPPER.createObjectNode().put("ok", true),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            await().until(() -> state(tenant, agent.agentId()).equals("online"));
        }
        await().until(() -> state(tenant, agent.agentId()).equals("offline"));
    }

    @Test
    void eachConnectionIsRecordedWithItsNodeAddressAndHowItClosed() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String path = "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/connections";
        hub.connectReady(agent, "fs.list").close();
        AgentSocket second = hub.connectReady(agent, "fs.list");
        var revoke = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/revoke",
                        hub.platformKey(),
                        Map.of());
        assertThat(revoke.status()).as(revoke.text()).isEqualTo(200);
        second.awaitClose(Duration.ofSeconds(10));

        await().until(() ->
                hub.api().get(path, hub.platformKey()).body().path("connections").findValues("disconnectedAt").stream()
                                .filter(JsonNode::isTextual)
                                .count()
                        == 2);
        JsonNode connections = hub.api().get(path, hub.platformKey()).body().path("connections");
        assertThat(connections).hasSize(2);
        JsonNode newest = connections.get(0);
        assertThat(newest.path("node").asText()).isEqualTo("test-hub");
        assertThat(newest.path("remoteAddress").asText()).isEqualTo("127.0.0.1");
        assertThat(newest.path("closeCode").asInt()).isEqualTo(4001);
        assertThat(newest.path("closeReason").asText()).isEqualTo("agent revoked");
        assertThat(connections.get(1).path("closeCode").asInt()).isEqualTo(1006); // the test agent dropped it

        var page = hub.api().get(path + "?limit=1", hub.platformKey());
        assertThat(page.body().path("connections")).hasSize(1);
        assertThat(page.get("next")).isEqualTo(newest.path("id").asText());
        assertThat(hub.api().get(path + "?limit=0", hub.platformKey()).status()).isEqualTo(400);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/agt_none/connections", hub.platformKey())
                        .status())
                .isEqualTo(404);
    }

    @Test
    void opsMetricsShowTheNodesLastHourToAdmins() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String session = hub.newSession(tenant);
            String job = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 600)
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
            await().until(() -> hub.job(tenant, job).path("state").asText().equals("succeeded"));

            var r = hub.api().get("/api/v1/ops/metrics?minutes=60", hub.tenantKey(tenant, "admin"));
            assertThat(r.status()).as(r.text()).isEqualTo(200);
            JsonNode ops = r.body();
            assertThat(ops.path("node").asText()).isEqualTo("test-hub");
            assertThat(ops.path("view").asText()).isEqualTo("cluster");
            assertThat(ops.path("nodes").toString())
                    .as("on the embedded database the cluster is this one node")
                    .isEqualTo("[\"test-hub\"]");
            assertThat(ops.path("bucketSeconds").asInt()).isEqualTo(10);
            assertThat(ops.path("buckets")).hasSize(360);
            assertThat(ops.path("summary").path("dispatched").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(ops.path("summary").path("completed").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(ops.path("summary").path("connects").asLong()).isGreaterThanOrEqualTo(1);
            assertThat(ops.path("summary").path("latencyMs").path("p99").isNumber())
                    .isTrue();
            assertThat(ops.path("agents").path("online").asInt()
                            + ops.path("agents").path("busy").asInt())
                    .isGreaterThanOrEqualTo(1);
            assertThat(r.text()).doesNotContain(tenant);
        }
        assertThat(hub.api()
                        .get("/api/v1/ops/metrics", hub.tenantKey(tenant, "operator"))
                        .status())
                .isEqualTo(403);
        assertThat(hub.api()
                        .get("/api/v1/ops/metrics?minutes=61", hub.platformKey())
                        .status())
                .isEqualTo(400);
        assertThat(hub.api().get("/api/v1/ops/metrics", null).status()).isEqualTo(401);
    }
}
