package io.enginex.edge.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.GraphStart;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.store.NodeStore;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub nodes in one JVM on one PostgreSQL database: what one node does reaches agents, waiters
 * and pages on the other through LISTEN/NOTIFY alone (the safety-net sweep runs once an hour here).
 */
class ClusterIT {
    @TempDir
    static Path dir;

    static TestCluster cluster;
    static TestHub a;
    static TestHub b;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dir);
        a = cluster.start("node-a");
        b = cluster.start("node-b");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void aJobCreatedThroughOneNodeReachesTheAgentOnTheOtherAndItsResultWakesALongPollThere() throws Exception {
        String tenant = a.newTenant();
        String session = a.newSession(tenant);
        TestAgent agent = a.register(tenant);
        try (AgentSocket socket = a.connectReady(agent, "fs.list")) {
            String jobId = b.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 60)
                    .get("id")
                    .asText();
            CompletableFuture<JsonNode> longPoll = CompletableFuture.supplyAsync(() -> b.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=30", b.platformKey())
                    .body());

            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(jobId);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> b.hub().stores().jobs().find(tenant, jobId).isPresent());
            socket.send(new Result(
                    socket.nextId(),
                    jobId,
                    TestHub.MAPPER.createObjectNode().put("entries", 2),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));

            JsonNode done = longPoll.get(40, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            assertThat(done.get("output").get("entries").asInt()).isEqualTo(2);
        }
    }

    @Test
    void aGraphStartThroughOneNodeReachesTheAgentOnTheOtherOnce() {
        String tenant = a.newTenant();
        TestAgent agent = a.register(tenant);
        String graph = b.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/graphs",
                        b.platformKey(),
                        Map.of(
                                "scope",
                                "tenant",
                                "document",
                                Map.of(
                                        "version",
                                        1,
                                        "name",
                                        "nightly",
                                        "steps",
                                        List.of(Map.of("id", "list", "tool", "fs.list")))))
                .body()
                .path("graph")
                .path("id")
                .asText();
        try (AgentSocket socket = a.connectReady(agent, "fs.list")) {
            String path = "/api/v1/tenants/" + tenant + "/graphs/" + graph + "/start";
            Map<String, Object> body = Map.of("agentId", agent.agentId());
            var started = b.api().exchange("POST", path, b.platformKey(), Map.of("Idempotency-Key", "c-1"), body);
            assertThat(started.status()).as(started.text()).isEqualTo(202);
            String startId = started.body().path("startId").asText();

            assertThat(nextGraphStart(socket).startId()).isEqualTo(startId);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> b.api()
                            .get("/api/v1/tenants/" + tenant + "/graph-starts/" + startId, b.platformKey())
                            .body()
                            .path("state")
                            .asText()
                            .equals("sent"));
            var replay = b.api().exchange("POST", path, b.platformKey(), Map.of("Idempotency-Key", "c-1"), body);
            assertThat(replay.body().path("startId").asText()).isEqualTo(startId);
            var next = b.api().exchange("POST", path, b.platformKey(), Map.of("Idempotency-Key", "c-2"), body);
            assertThat(nextGraphStart(socket).startId())
                    .as("the replay sent nothing")
                    .isEqualTo(next.body().path("startId").asText());
        }
    }

    @Test
    void aGraphStepDecidedThroughOneNodeReachesTheAgentOnTheOther() {
        String tenant = a.newTenant();
        TestAgent agent = a.register(tenant);
        try (AgentSocket socket = a.connectReady(agent, "fs.list")) {
            socket.send(new io.enginex.edge.protocol.GraphApproval(
                    socket.nextId(),
                    "run_00000000000000c1",
                    "pay",
                    null,
                    "nightly",
                    null,
                    "exec",
                    TestHub.MAPPER.createObjectNode(),
                    "sends money",
                    Instant.parse("2026-12-05T02:00:00Z")));
            String list = "/api/v1/tenants/" + tenant + "/graph-approvals?state=waiting";
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> b.api().get(list, b.platformKey()).body().size() == 1);
            String id =
                    b.api().get(list, b.platformKey()).body().path(0).path("id").asText();
            var decided = b.api()
                    .exchange(
                            "POST",
                            "/api/v1/tenants/" + tenant + "/graph-approvals/" + id + "/approve",
                            b.platformKey(),
                            Map.of("Idempotency-Key", "d-1"),
                            Map.of("reason", "month end"));
            assertThat(decided.status()).as(decided.text()).isEqualTo(200);

            io.enginex.edge.protocol.Message m = socket.next();
            while (!(m instanceof io.enginex.edge.protocol.GraphDecision)) {
                m = socket.next();
            }
            var decision = (io.enginex.edge.protocol.GraphDecision) m;
            assertThat(decision.decisionId()).isEqualTo(id);
            assertThat(decision.approved()).isTrue();
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> b.api()
                            .get("/api/v1/tenants/" + tenant + "/graph-approvals/" + id, b.platformKey())
                            .body()
                            .path("sentAt")
                            .isTextual());
        }
    }

    /** The next graphStart frame, past policy frames. */
    private static GraphStart nextGraphStart(AgentSocket socket) {
        while (true) {
            Message m = socket.next();
            if (m instanceof GraphStart start) {
                return start;
            }
            assertThat(m).isInstanceOf(PolicyUpdate.class);
        }
    }

    @Test
    void eachNodeAuditsToItsOwnChainOfATenantAndEveryChainVerifies() {
        String tenant = a.newTenant();
        String session = a.newSession(tenant);
        TestAgent agent = a.register(tenant);
        for (TestHub node : List.of(a, b, a, b)) {
            node.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 60);
        }

        JsonNode report = b.api()
                .get("/api/v1/tenants/" + tenant + "/audit/verify", b.platformKey())
                .body();

        assertThat(report.get("verified").asBoolean()).as("%s", report).isTrue();
        List<String> chains = new ArrayList<>();
        report.get("chains").forEach(c -> chains.add(c.get("chain").asText()));
        assertThat(chains).containsExactly("node-a", "node-b");
        assertThat(b.hub().stores().audit().list(tenant, "job.created", null, null, null, 10))
                .extracting(e -> e.chain())
                .containsExactlyInAnyOrder("node-a", "node-b", "node-a", "node-b");
    }

    @Test
    void anAgentOnOneNodeIsShownOnlineOnTheOtherWithItsNode() {
        String tenant = a.newTenant();
        TestAgent agent = a.register(tenant);
        try (AgentSocket socket = a.connectReady(agent, "fs.list")) {
            assertThat(socket.isClosed()).isFalse();
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                JsonNode seen = b.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), b.platformKey())
                        .body();
                assertThat(seen.toString()).contains("online").contains("node-a");
            });
        }
    }

    @Test
    void revokingAnAgentThroughOneNodeClosesItsSocketOnTheOther() {
        String tenant = a.newTenant();
        TestAgent agent = a.register(tenant);
        try (AgentSocket socket = a.connectReady(agent, "fs.list")) {
            var revoked = b.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/revoke",
                            b.platformKey(),
                            Map.of());
            assertThat(revoked.status()).as(revoked.text()).isEqualTo(200);

            assertThat(socket.awaitClose(Duration.ofSeconds(20))).isEqualTo(Protocol.CLOSE_REVOKED);
        }
    }

    @Test
    void anAgentThatConnectsToTheOtherNodeHasItsOlderSocketClosedAsReplaced() {
        String tenant = a.newTenant();
        TestAgent agent = a.register(tenant);
        try (AgentSocket old = a.connectReady(agent, "fs.list");
                AgentSocket moved = b.connectReady(agent, "fs.list")) {
            assertThat(old.awaitClose(Duration.ofSeconds(20))).isEqualTo(Protocol.CLOSE_REPLACED);
            assertThat(moved.isClosed()).isFalse();
            assertThat(a.hub().connections().isConnected(tenant, agent.agentId()))
                    .isFalse();
            assertThat(b.hub().connections().isConnected(tenant, agent.agentId()))
                    .isTrue();
        }
    }

    @Test
    void aJobPastItsDeadlineIsCancelledOnTheAgentWhicheverNodeLeads() {
        String tenant = a.newTenant();
        String session = a.newSession(tenant);
        TestAgent agent = a.register(tenant);
        TestHub follower = a.hub().leads() ? b : a;
        try (AgentSocket socket = follower.connectReady(agent, "fs.list")) {
            String jobId = follower.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 2)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);

            // The leader times the job out; the follower, which holds the socket, hears of it.
            Message next;
            do {
                next = socket.next(Duration.ofSeconds(30));
            } while (!(next instanceof Cancel));
            assertThat(((Cancel) next).jobId()).isEqualTo(jobId);
            assertThat(follower.job(tenant, jobId).get("state").asText()).isEqualTo("timed_out");
        }
    }

    @Test
    void exactlyOneNodeLeadsAndTheNodesTableSaysWhich() {
        assertThat(a.hub().leads() ^ b.hub().leads()).isTrue();
        String leader = a.hub().leads() ? "node-a" : "node-b";
        await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> assertThat(a.hub().stores().nodes().list())
                        .filteredOn(NodeStore.Node::leads)
                        .extracting(NodeStore.Node::name)
                        .containsExactly(leader));
    }

    @Test
    void aCreateRetriedThroughTheOtherNodeWithItsIdempotencyKeyMakesOneJob() {
        String tenant = a.newTenant();
        String session = a.newSession(tenant);
        TestAgent agent = a.register(tenant);
        Map<String, Object> body =
                Map.of("agentId", agent.agentId(), "tool", "fs.list", "args", Map.of(), "timeoutSeconds", 60);
        Map<String, String> key = Map.of("Idempotency-Key", "retry-" + TestHub.randomId("k"));
        String path = "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs";

        var first = a.api().exchange("POST", path, a.platformKey(), key, body);
        var retry = b.api().exchange("POST", path, b.platformKey(), key, body);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(retry.status()).as(retry.text()).isEqualTo(201);
        assertThat(retry.get("id")).isEqualTo(first.get("id"));
        assertThat(b.api()
                        .get("/api/v1/tenants/" + tenant + "/sessions/" + session, b.platformKey())
                        .body()
                        .get("jobs")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void anAgentAssertionSpentOnOneNodeIsRefusedOnTheOther() {
        String tenant = a.newTenant();
        TestAgent agent = a.register(tenant);
        String assertion = agent.assertion();

        assertThat(a.requestAccessToken(assertion).status()).isEqualTo(200);
        var replay = b.requestAccessToken(assertion);

        assertThat(replay.status()).as(replay.text()).isEqualTo(401);
        assertThat(replay.text()).contains("assertion_replayed");
    }

    @Test
    void theNodesAreListedWithAgentCountsForThePlatformOnly() {
        String tenant = a.newTenant();
        String adminKey = a.tenantKey(tenant, "admin");

        JsonNode platform = b.api().get("/api/v1/ops/nodes", b.platformKey()).body();
        JsonNode admin = b.api().get("/api/v1/ops/nodes", adminKey).body();

        assertThat(platform.get("node").asText()).isEqualTo("node-b");
        assertThat(platform.get("nodes").findValuesAsText("name")).contains("node-a", "node-b");
        assertThat(platform.get("nodes").get(0).get("agents").isInt()).isTrue();
        assertThat(platform.get("nodes").get(0).get("alive").asBoolean()).isTrue();
        assertThat(admin.get("nodes").findValuesAsText("name")).contains("node-a", "node-b");
        assertThat(admin.get("nodes").get(0).path("agents").isInt())
                .as("a tenant's admin does not see how many agents (of every tenant) a node holds")
                .isFalse();
    }

    @Test
    void aSecondNodeUnderARunningNodesNameIsRefused() {
        assertThatThrownBy(() -> cluster.start("node-a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("\"node-a\"")
                .hasMessageContaining("--node-name");
    }

    @Test
    void aNodeWithAnotherHubSecretIsRefused(@TempDir Path other) {
        assertThatThrownBy(() -> TestHub.start(
                        other,
                        x -> x.database(cluster.database()).nodeName("node-stranger"),
                        java.time.Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("hub.secret");
    }
}
