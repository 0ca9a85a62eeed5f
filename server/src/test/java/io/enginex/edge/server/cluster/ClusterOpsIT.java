package io.enginex.edge.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ops console of two hub nodes on one PostgreSQL database shows the cluster: tenant T has an
 * agent on each node and a job through each (the one on node-a answered {@link #SLOW} later by the
 * nodes' shared clock, the one on node-b at once); tenant U has an agent and a job on node-b only.
 * Then the clock moves to the next ten-second bucket, so each node writes the finished one, and every
 * view is read through both nodes: the cluster sums both nodes' jobs and agents and merges their
 * latency histograms, one node's view shows one, and a tenant's admin sees only its own tenant's rows.
 */
class ClusterOpsIT {
    /** The latency of T's job on node-a: the clock moves this much between its dispatch and result. */
    static final Duration SLOW = Duration.ofMillis(1500);

    private static final Pattern COUNT = Pattern.compile("data-count=\"([a-z]+)\">(\\d+)<");

    @TempDir
    static Path dir;

    static final ShiftableClock clock = new ShiftableClock();
    static TestCluster cluster;
    static TestHub a;
    static TestHub b;
    static String t;
    static String u;
    static String tAdmin;
    static String uAdmin;
    static List<AgentSocket> sockets;

    @BeforeAll
    static void start() {
        cluster = new TestCluster(dir);
        a = cluster.start("node-a", c -> {}, clock);
        b = cluster.start("node-b", c -> {}, clock);
        t = a.newTenant();
        u = a.newTenant();
        tAdmin = a.tenantKey(t, "admin");
        uAdmin = a.tenantKey(u, "admin");
        TestAgent tOnA = a.register(t);
        TestAgent tOnB = a.register(t);
        TestAgent uOnB = a.register(u);
        AgentSocket sa = a.connectReady(tOnA, "fs.list");
        AgentSocket sb = b.connectReady(tOnB, "fs.list");
        AgentSocket su = b.connectReady(uOnB, "fs.list");
        sockets = List.of(sa, sb, su);

        String slow = a.dispatch(t, a.newSession(t), tOnA.agentId(), "fs.list", Map.of(), 60)
                .get("id")
                .asText();
        assertThat(sa.expect(Dispatch.class).jobId()).isEqualTo(slow);
        String fast = b.dispatch(t, b.newSession(t), tOnB.agentId(), "fs.list", Map.of(), 60)
                .get("id")
                .asText();
        answer(sb, fast);
        String other = b.dispatch(u, b.newSession(u), uOnB.agentId(), "fs.list", Map.of(), 60)
                .get("id")
                .asText();
        answer(su, other);
        // each node counts its own jobs in its memory: the fast ones first, before the clock moves
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(completed(metrics(b, tAdmin, "node-b"))).isEqualTo(1);
            assertThat(completed(metrics(b, uAdmin, "node-b"))).isEqualTo(1);
        });
        clock.shift(SLOW);
        send(sa, slow);
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() ->
                        assertThat(completed(metrics(a, tAdmin, "node-a"))).isEqualTo(1));
        // ...and the bucket they are in ends now, so each writes it for the other
        long bucket = OpsHistory.BUCKET.toMillis();
        clock.shift(Duration.ofMillis(bucket - Math.floorMod(clock.millis(), bucket) + 100));
    }

    @AfterAll
    static void stop() {
        if (sockets != null) {
            sockets.forEach(AgentSocket::close);
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    static void answer(AgentSocket socket, String jobId) {
        assertThat(socket.expect(Dispatch.class).jobId()).isEqualTo(jobId);
        send(socket, jobId);
    }

    static void send(AgentSocket socket, String jobId) {
        socket.send(new Result(
                socket.nextId(), jobId, TestHub.MAPPER.createObjectNode(), null, Instant.now(), Instant.now(), false));
    }

    @Test
    void theClusterViewSumsBothNodesJobsAndAgentsAndMergesTheirLatency() {
        for (TestHub via : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode ops = metrics(via, tAdmin, null);
                assertThat(ops.path("view").asText()).isEqualTo("cluster");
                assertThat(ops.path("nodes").toString()).isEqualTo("[\"node-a\",\"node-b\"]");
                JsonNode sum = ops.path("summary");
                assertThat(sum.path("dispatched").asLong()).isEqualTo(2);
                assertThat(sum.path("completed").asLong()).isEqualTo(2);
                assertThat(sum.path("connects").asLong()).isEqualTo(2);
                assertThat(sum.path("connectedAgents").asInt()).isEqualTo(2);
                assertThat(ops.path("agents").path("online").asInt()).isEqualTo(2);
                // two jobs, one fast on node-b and one SLOW on node-a: from the merged histogram the
                // median is the fast one and p99 the slow one (averaging the nodes' would put both
                // near the middle)
                assertThat(sum.path("latencyMs").path("p50").asDouble()).isLessThan(SLOW.toMillis());
                assertThat(sum.path("latencyMs").path("p99").asDouble()).isGreaterThanOrEqualTo(SLOW.toMillis());
            });
        }
    }

    @Test
    void oneNodesViewShowsThatNodesJobsAndAgentsOnly() {
        for (TestHub via : List.of(a, b)) {
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                JsonNode onA = metrics(via, tAdmin, "node-a");
                JsonNode onB = metrics(via, tAdmin, "node-b");
                assertThat(onA.path("view").asText()).isEqualTo("node");
                assertThat(onA.path("nodes").toString()).isEqualTo("[\"node-a\"]");
                assertThat(onA.path("summary").path("dispatched").asLong()).isEqualTo(1);
                assertThat(onA.path("summary").path("connectedAgents").asInt()).isEqualTo(1);
                assertThat(onA.path("summary").path("latencyMs").path("p50").asDouble())
                        .isGreaterThanOrEqualTo(SLOW.toMillis());
                assertThat(onB.path("nodes").toString()).isEqualTo("[\"node-b\"]");
                assertThat(onB.path("summary").path("dispatched").asLong()).isEqualTo(1);
                assertThat(onB.path("agents").path("online").asInt()).isEqualTo(1);
                assertThat(onB.path("summary").path("latencyMs").path("p99").asDouble())
                        .isLessThan(SLOW.toMillis());
            });
        }
    }

    @Test
    void aTenantsAdminSeesOnlyItsTenantsRowsNeverAnotherTenantsOrTheNodeTotals() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode platform = metrics(a, a.platformKey(), null);
            assertThat(platform.path("scope").asText()).isEqualTo("all");
            assertThat(platform.path("summary").path("dispatched").asLong()).isEqualTo(3);
            assertThat(platform.path("summary").path("connectedAgents").asInt()).isEqualTo(3);

            JsonNode ofU = metrics(a, uAdmin, null);
            assertThat(ofU.path("scope").asText()).isEqualTo("tenant");
            assertThat(ofU.path("summary").path("dispatched").asLong()).isEqualTo(1);
            assertThat(ofU.path("summary").path("connectedAgents").asInt()).isEqualTo(1);
            assertThat(ofU.path("summary").path("latencyMs").path("p99").asDouble())
                    .isLessThan(SLOW.toMillis());
            JsonNode uOnA = metrics(a, uAdmin, "node-a");
            assertThat(uOnA.path("summary").path("dispatched").asLong()).isZero();
            assertThat(uOnA.path("summary").path("connectedAgents").asInt()).isZero();
            assertThat(uOnA.path("summary").path("latencyMs").path("p50").isNumber())
                    .isFalse();
        });
        var ofT = a.api().get("/api/v1/ops/metrics?minutes=5", tAdmin);
        assertThat(ofT.body().path("summary").path("dispatched").asLong())
                .as("T's two jobs, never U's third or the node totals")
                .isEqualTo(2);
        assertThat(ofT.text()).doesNotContain(u).doesNotContain(t);
        assertThat(a.api()
                        .get("/api/v1/ops/metrics", a.tenantKey(t, "operator"))
                        .status())
                .isEqualTo(403);
    }

    @Test
    void theOpsPageShowsTheClusterAndOneNodeOnRequest() {
        Browser admin = signedIn(b, t);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String page = admin.get("/ui/ops").body();
            assertThat(page).contains("cluster (2 nodes)").contains("sse-connect=\"/ui/ops/live\"");
            assertThat(counts(page)).containsEntry("dispatched", 2).containsEntry("connected", 2);
        });
        String page = admin.get("/ui/ops").body();
        assertThat(page)
                .contains("<option value=\"\" selected>all nodes (cluster)</option>")
                .contains("<option value=\"node-a\">node-a</option>")
                .contains("<option value=\"node-b\">node-b</option>");

        String onA = admin.get("/ui/ops?node=node-a").body();
        assertThat(onA)
                .contains("<option value=\"node-a\" selected>node-a</option>")
                .contains("sse-connect=\"/ui/ops/live?node=node-a\"")
                .contains("node node-a");
        assertThat(counts(onA)).containsEntry("dispatched", 1).containsEntry("connected", 1);
        assertThat(admin.get("/ui/ops?node=node-z").statusCode()).isEqualTo(404);
    }

    @Test
    void aNodeThatIsNotThereIsNotFoundAndABlankOneIsRefused() {
        var missing = a.api().get("/api/v1/ops/metrics?node=node-z", a.platformKey());
        assertThat(missing.status()).as(missing.text()).isEqualTo(404);
        assertThat(missing.code()).isEqualTo("node_not_found");
        assertThat(missing.message()).contains("GET /api/v1/ops/nodes");
        var blank = a.api().get("/api/v1/ops/metrics?node=%20", a.platformKey());
        assertThat(blank.status()).as(blank.text()).isEqualTo(400);
    }

    static JsonNode metrics(TestHub via, String key, String node) {
        var r = via.api().get("/api/v1/ops/metrics?minutes=5" + (node == null ? "" : "&node=" + node), key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    static long completed(JsonNode ops) {
        return ops.path("summary").path("completed").asLong();
    }

    static Browser signedIn(TestHub via, String tenant) {
        return via.signedIn(tenant, "admin");
    }

    /** The panel's counters ({@code data-count="dispatched">3<}), the last of each name. */
    static Map<String, Integer> counts(String html) {
        Map<String, Integer> out = new HashMap<>();
        Matcher m = COUNT.matcher(html);
        while (m.find()) {
            out.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        return out;
    }
}
