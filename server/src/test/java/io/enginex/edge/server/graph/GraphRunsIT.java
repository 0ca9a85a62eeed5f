package io.enginex.edge.server.graph;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs of graphs uploaded by agents ({@code graphRuns} frames) to a hub over PostgreSQL: stored once by
 * run and step record id (a duplicate batch changes nothing), acked, flagged with how their graph stood,
 * read back through the API with device and arrival times, and always under the uploading connection's
 * tenant.
 */
class GraphRunsIT {
    private static final String DATABASE =
            TestHub.randomId("graph_runs_it").replace('-', '_').toLowerCase(Locale.ROOT);
    private static final Instant T0 = Instant.parse("2026-12-01T02:00:00Z");

    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        admin("CREATE DATABASE " + DATABASE);
        hub = TestHub.start(
                dir, b -> b.database(DatabaseConfig.of(SERVER + DATABASE, "postgres", "")), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        admin("DROP DATABASE IF EXISTS " + DATABASE);
    }

    static String runId() {
        byte[] b = new byte[12];
        ThreadLocalRandom.current().nextBytes(b);
        return "run_" + HexFormat.of().formatHex(b);
    }

    static String defineGraph(String tenant, String name) {
        return hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/graphs",
                        hub.platformKey(),
                        Map.of("scope", "tenant", "source", GraphsIT.graph(name, "fs.list")))
                .body()
                .path("graph")
                .path("id")
                .asText();
    }

    static GraphRuns.Step step(String runId, String step, String state, JsonNode output, int minute) {
        return new GraphRuns.Step(
                runId + ":" + step,
                step,
                state,
                1,
                state.equals("failed") ? new ErrorInfo("tool_failed", "no such folder") : null,
                null,
                output,
                false,
                null,
                null,
                null,
                T0.plusSeconds(60L * minute),
                null,
                null);
    }

    static GraphRuns.Run run(String runId, String graphId, Integer version, String status, List<GraphRuns.Step> steps) {
        return new GraphRuns.Run(
                runId,
                "nightly",
                graphId,
                version,
                status,
                T0,
                status.equals("running") ? null : T0.plusSeconds(600),
                TestHub.MAPPER.createObjectNode().put("trigger", "schedule"),
                steps);
    }

    /** Sends the frame and returns the hub's ack of it. */
    static GraphRunsAck upload(AgentSocket socket, GraphRuns.Run... runs) {
        GraphRuns frame = new GraphRuns(socket.nextId(), List.of(runs));
        socket.send(frame);
        while (true) {
            Message m = socket.next();
            if (m instanceof GraphRunsAck ack && ack.replyTo().equals(frame.id())) {
                return ack;
            }
        }
    }

    static JsonNode json(String text) {
        try {
            return TestHub.MAPPER.readTree(text);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aRunStartedFromTheHubIsFoundByItsStartIdOnceUploaded() {
        String tenant = hub.newTenant();
        String viewer = hub.tenantKey(tenant, "viewer");
        String graphId = defineGraph(tenant, "nightly");
        TestAgent agent = hub.register(tenant);
        String started = runId();
        String scheduled = runId();
        GraphRuns.Run fromHub = new GraphRuns.Run(
                started,
                "nightly",
                graphId,
                1,
                "succeeded",
                T0,
                T0.plusSeconds(5),
                TestHub.MAPPER
                        .createObjectNode()
                        .put("day", "2026-12-05")
                        .put("trigger", "hub")
                        .put("startId", "gst_42"),
                List.of());

        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            upload(socket, fromHub, run(scheduled, graphId, 1, "succeeded", List.of()));
        }

        String path = "/api/v1/tenants/" + tenant + "/graphs/" + graphId + "/runs";
        JsonNode all = hub.api().get(path, viewer).body();
        assertThat(all).hasSize(2);
        JsonNode found = hub.api().get(path + "?startId=gst_42", viewer).body();
        assertThat(found).singleElement().satisfies(r -> {
            assertThat(r.path("runId").asText()).isEqualTo(started);
            assertThat(r.path("startId").asText()).isEqualTo("gst_42");
            assertThat(r.path("input").path("day").asText()).isEqualTo("2026-12-05");
        });
        assertThat(hub.api().get(path + "?startId=gst_other", viewer).body()).isEmpty();
    }

    @Test
    void aRunIsStoredOnceByRunAndStepIdAckedAndReadBackWithDeviceAndArrivalTimes() {
        String tenant = hub.newTenant();
        String viewer = hub.tenantKey(tenant, "viewer");
        String graphId = defineGraph(tenant, "nightly");
        TestAgent agent = hub.register(tenant);
        String runId = runId();

        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            // offline, the run got one step far; it is uploaded while still running
            GraphRunsAck first = upload(
                    socket,
                    run(runId, graphId, 1, "running", List.of(step(runId, "list", "succeeded", json("{\"n\":1}"), 1))));
            assertThat(first.runs()).containsExactly(runId);
            assertThat(first.steps()).containsExactly(runId + ":list");
            assertThat(first.refused()).isEmpty();

            // the same batch again (the ack was lost): acked again, nothing changes
            GraphRunsAck again = upload(
                    socket,
                    run(runId, graphId, 1, "running", List.of(step(runId, "list", "failed", json("{\"n\":2}"), 9))));
            assertThat(again.runs()).containsExactly(runId);
            assertThat(again.steps()).containsExactly(runId + ":list");

            // later: the run ended with a second step
            upload(socket, run(runId, graphId, 1, "failed", List.of(step(runId, "report", "failed", null, 2))));
            // and that batch, duplicated, changes nothing either
            upload(socket, run(runId, graphId, 1, "succeeded", List.of(step(runId, "report", "succeeded", null, 3))));
        }

        JsonNode run = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graph-runs/" + runId, viewer)
                .body();
        assertThat(run.path("runId").asText()).isEqualTo(runId);
        assertThat(run.path("agentId").asText()).isEqualTo(agent.agentId());
        assertThat(run.path("graphId").asText()).isEqualTo(graphId);
        assertThat(run.path("graphVersion").asInt()).isEqualTo(1);
        assertThat(run.path("standing").asText()).isEqualTo("current");
        assertThat(run.path("status").asText()).isEqualTo("failed");
        assertThat(Instant.parse(run.path("startedAt").asText())).isEqualTo(T0);
        assertThat(Instant.parse(run.path("endedAt").asText())).isEqualTo(T0.plusSeconds(600));
        assertThat(run.path("arrivedAt").isTextual()).isTrue();
        assertThat(run.path("endArrivedAt").isTextual()).isTrue();
        assertThat(run.path("input").path("trigger").asText()).isEqualTo("schedule");
        JsonNode steps = run.path("steps");
        assertThat(steps).hasSize(2);
        assertThat(steps.get(0).path("id").asText()).isEqualTo(runId + ":list");
        assertThat(steps.get(0).path("state").asText()).isEqualTo("succeeded");
        assertThat(steps.get(0).path("output").path("n").asInt()).isEqualTo(1);
        assertThat(Instant.parse(steps.get(0).path("settledAt").asText())).isEqualTo(T0.plusSeconds(60));
        assertThat(steps.get(0).path("arrivedAt").isTextual()).isTrue();
        assertThat(steps.get(1).path("state").asText()).isEqualTo("failed");
        assertThat(steps.get(1).path("error").path("code").asText()).isEqualTo("tool_failed");

        JsonNode list = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graphs/" + graphId + "/runs", viewer)
                .body();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).path("runId").asText()).isEqualTo(runId);
    }

    /** Sends a chunk and returns the hub's answer to it. */
    static io.enginex.edge.protocol.GraphOutputAck chunk(
            AgentSocket socket, String stepId, long offset, byte[] whole, String sha256, int length) {
        var chunk = io.enginex.edge.protocol.GraphOutputChunk.of(
                socket.nextId(),
                stepId,
                offset,
                whole.length,
                sha256,
                java.util.Arrays.copyOfRange(whole, (int) offset, (int) offset + length));
        socket.send(chunk);
        while (true) {
            if (socket.next() instanceof io.enginex.edge.protocol.GraphOutputAck ack
                    && ack.replyTo().equals(chunk.id())) {
                return ack;
            }
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static GraphRuns.Step fileStep(String runId, String step, long bytes, String sha256) {
        return new GraphRuns.Step(
                runId + ":" + step, step, "succeeded", 1, null, null, null, false, null, bytes, sha256, T0, true, null);
    }

    @Test
    void anOutputFileIsStoredOnceFromChunksAtTheHubsCountCheckedByItsHashAndDownloadedAudited() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String runId = runId();
        byte[] whole = ("{\"text\":\"" + "0123456789".repeat(50_000) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        String sha = sha256(whole);
        int piece = io.enginex.edge.protocol.GraphOutputChunk.MAX_CHUNK_BYTES;
        String stepId = runId + ":dump";
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            assertThat(upload(
                                    socket,
                                    run(
                                            runId,
                                            null,
                                            null,
                                            "succeeded",
                                            List.of(
                                                    fileStep(runId, "dump", whole.length, sha),
                                                    fileStep(runId, "forged", whole.length, "00".repeat(32)))))
                            .steps())
                    .hasSize(2);
            assertThat(chunk(socket, stepId, 0, whole, sha, piece).received()).isEqualTo(piece);
            assertThat(chunk(socket, stepId, 0, whole, sha, piece).received())
                    .as("a repeated chunk changes nothing")
                    .isEqualTo(piece);
            assertThat(chunk(socket, stepId, 2L * piece, whole, sha, whole.length - 2 * piece)
                            .received())
                    .as("a chunk past the hub's count is not stored; the answer says where to go on")
                    .isEqualTo(piece);
            assertThat(chunk(socket, stepId, piece, whole, sha, piece).complete())
                    .isFalse();
            var last = chunk(socket, stepId, 2L * piece, whole, sha, whole.length - 2 * piece);
            assertThat(last.complete()).isTrue();
            assertThat(last.received()).isEqualTo(whole.length);
            assertThat(chunk(socket, stepId, 0, whole, sha, piece).complete())
                    .as("an upload repeated after it completed is answered complete")
                    .isTrue();

            // a file whose bytes do not match the hash its record announced is dropped
            String forged = runId + ":forged";
            chunk(socket, forged, 0, whole, "00".repeat(32), piece);
            chunk(socket, forged, piece, whole, "00".repeat(32), piece);
            var refused = chunk(socket, forged, 2L * piece, whole, "00".repeat(32), whole.length - 2 * piece);
            assertThat(refused.complete()).isFalse();
            assertThat(refused.received()).isZero();
            assertThat(refused.error().message()).contains("does not match its SHA-256");

            // larger than the hub's cap per file: refused, naming the option
            String other = runId();
            long huge = (64L << 20) + 1;
            upload(socket, run(other, null, null, "succeeded", List.of(fileStep(other, "dump", huge, sha))));
            var tooBig = io.enginex.edge.protocol.GraphOutputChunk.of(
                    socket.nextId(), other + ":dump", 0, huge, sha, new byte[10]);
            socket.send(tooBig);
            io.enginex.edge.protocol.GraphOutputAck answer;
            do {
                answer = socket.next() instanceof io.enginex.edge.protocol.GraphOutputAck a
                                && a.replyTo().equals(tooBig.id())
                        ? a
                        : null;
            } while (answer == null);
            assertThat(answer.error().message()).contains("--graph-output-max-bytes");
        }
        JsonNode step = hub
                .api()
                .get("/api/v1/tenants/" + tenant + "/graph-runs/" + runId, hub.platformKey())
                .body()
                .path("steps")
                .findValues("outputFile")
                .stream()
                .filter(f -> f.path("complete").asBoolean())
                .findFirst()
                .orElseThrow();
        assertThat(step.path("receivedBytes").asLong()).isEqualTo(whole.length);
        var download = hub.api().get(step.path("download").asText(), hub.platformKey());
        assertThat(download.status()).isEqualTo(200);
        assertThat(download.headers().firstValue("X-Content-SHA256")).hasValue(sha);
        assertThat(download.text().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .isEqualTo(whole);
        JsonNode audit = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=graph-output.stored", hub.platformKey())
                .body();
        assertThat(audit.findValues("outcome").stream().map(JsonNode::asText).toList())
                .as("stored once; the forged and the too large one refused")
                .containsExactlyInAnyOrder("success", "failure", "failure");
        assertThat(hub.api()
                        .get(
                                "/api/v1/tenants/" + tenant + "/graph-runs/" + runId + "/steps/forged/output",
                                hub.platformKey())
                        .status())
                .isEqualTo(409);
    }

    @Test
    void auditRecordsOfStepsBecomeAuditEventsOnceWithTheDeviceTimeAndTheArrival() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String runId = runId();
        var ok = new GraphRuns.AuditRecord("a1".repeat(32), T0, runId + ":list:1", "fs.list", 1, "ok", null, null);
        var refused = new GraphRuns.AuditRecord(
                "b2".repeat(32),
                T0.plusSeconds(5),
                runId + ":write:1",
                "fs.write",
                1,
                "refused",
                "blocked_by_policy",
                "not allowed");
        Instant before = Instant.now();
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            for (int i = 0; i < 2; i++) { // the second frame repeats the records, as after a lost ack
                GraphRuns frame = new GraphRuns(socket.nextId(), List.of(), List.of(ok, refused));
                socket.send(frame);
                GraphRunsAck ack;
                do {
                    ack = socket.next() instanceof GraphRunsAck a && a.replyTo().equals(frame.id()) ? a : null;
                } while (ack == null);
                assertThat(ack.audit()).containsExactly(ok.id(), refused.id());
            }
        }
        JsonNode events = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=graph-step.audited", hub.platformKey())
                .body()
                .path("events");
        assertThat(events).hasSize(2);
        JsonNode first = events.get(1); // newest first
        assertThat(first.path("target").path("id").asText()).isEqualTo(runId + ":list");
        assertThat(first.path("actor").path("id").asText()).isEqualTo(agent.agentId());
        assertThat(first.path("outcome").asText()).isEqualTo("success");
        assertThat(first.path("details").path("deviceAt").asText()).isEqualTo(T0.toString());
        assertThat(Instant.parse(first.path("at").asText())).isAfterOrEqualTo(before.minusSeconds(1));
        assertThat(events.get(0).path("outcome").asText()).isEqualTo("denied");
        assertThat(events.get(0).path("details").path("code").asText()).isEqualTo("blocked_by_policy");
    }

    @Test
    void aTruncatedOutputKeepsItsMarkerSizeAndHash() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String runId = runId();
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            GraphRuns.Step big = new GraphRuns.Step(
                    runId + ":list",
                    "list",
                    "succeeded",
                    1,
                    null,
                    null,
                    null,
                    true,
                    "{\"entries\":[",
                    900_000L,
                    "ab".repeat(32),
                    T0,
                    null,
                    null);
            assertThat(upload(socket, run(runId, null, null, "succeeded", List.of(big)))
                            .steps())
                    .containsExactly(runId + ":list");
        }
        JsonNode run = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graph-runs/" + runId, hub.platformKey())
                .body();
        assertThat(run.path("standing").asText()).isEqualTo("local");
        JsonNode step = run.path("steps").get(0);
        assertThat(step.path("outputTruncated").asBoolean()).isTrue();
        assertThat(step.has("output") && !step.get("output").isNull()).isFalse();
        assertThat(step.path("outputBytes").asLong()).isEqualTo(900_000L);
        assertThat(step.path("outputSha256").asText()).isEqualTo("ab".repeat(32));
        assertThat(step.path("outputPreview").asText()).isEqualTo("{\"entries\":[");
    }

    @Test
    void aRunOfAGraphChangedOrWithdrawnWhileOfflineIsStoredWithTheVersionItRanAndFlagged() {
        String tenant = hub.newTenant();
        String changed = defineGraph(tenant, "changed");
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/graphs/" + changed + "/versions",
                        hub.platformKey(),
                        Map.of("source", GraphsIT.graph("changed", "fs.stat")));
        String withdrawn = defineGraph(tenant, "withdrawn");
        hub.api().post("/api/v1/tenants/" + tenant + "/graphs/" + withdrawn + "/withdraw", hub.platformKey(), Map.of());
        TestAgent agent = hub.register(tenant);
        String outdatedRun = runId();
        String withdrawnRun = runId();
        String unknownRun = runId();
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            GraphRunsAck ack = upload(
                    socket,
                    run(outdatedRun, changed, 1, "succeeded", List.of()),
                    run(withdrawnRun, withdrawn, 1, "succeeded", List.of()),
                    run(unknownRun, "gph_nothere", 3, "succeeded", List.of()));
            assertThat(ack.runs()).containsExactly(outdatedRun, withdrawnRun, unknownRun);
        }
        Map<String, String> expected =
                Map.of(outdatedRun, "outdated", withdrawnRun, "withdrawn", unknownRun, "unknown");
        expected.forEach((id, standing) -> {
            JsonNode run = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/graph-runs/" + id, hub.platformKey())
                    .body();
            assertThat(run.path("standing").asText()).as(id).isEqualTo(standing);
            assertThat(run.path("graphVersion").asInt()).isIn(1, 3);
        });
    }

    @Test
    void aRunLandsInTheTenantOfTheConnectionAndAnotherTenantsAgentCannotTakeItsId() {
        String tenantA = hub.newTenant();
        String tenantB = hub.newTenant();
        TestAgent agentA = hub.register(tenantA);
        TestAgent agentB = hub.register(tenantB);
        String graphA = defineGraph(tenantA, "nightly");
        String runId = runId();
        try (AgentSocket socket = hub.connect(agentA)) {
            socket.hello("fs.list");
            upload(socket, run(runId, graphA, 1, "succeeded", List.of(step(runId, "list", "succeeded", null, 1))));
        }
        String ownB = runId();
        try (AgentSocket socket = hub.connect(agentB)) {
            socket.hello("fs.list");
            // agent B names tenant A's graph and reuses tenant A's run id: the run is refused, A's is unchanged
            GraphRunsAck ack = upload(
                    socket,
                    run(runId, graphA, 1, "failed", List.of(step(runId, "other", "failed", null, 5))),
                    run(ownB, graphA, 1, "succeeded", List.of()));
            assertThat(ack.runs()).containsExactly(ownB);
            assertThat(ack.steps()).isEmpty();
            assertThat(ack.refused()).singleElement().asString().contains(runId);
        }
        String keyA = hub.tenantKey(tenantA, "viewer");
        String keyB = hub.tenantKey(tenantB, "viewer");
        JsonNode a = hub.api()
                .get("/api/v1/tenants/" + tenantA + "/graph-runs/" + runId, keyA)
                .body();
        assertThat(a.path("status").asText()).isEqualTo("succeeded");
        assertThat(a.path("steps")).hasSize(1);
        // B's upload landed in B (taken from its connection), flagged unknown: A's graph is not B's
        JsonNode b = hub.api()
                .get("/api/v1/tenants/" + tenantB + "/graph-runs/" + ownB, keyB)
                .body();
        assertThat(b.path("tenant").asText()).isEqualTo(tenantB);
        assertThat(b.path("standing").asText()).isEqualTo("unknown");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenantB + "/graph-runs/" + runId, keyB)
                        .status())
                .isEqualTo(404);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenantA + "/graph-runs/" + ownB, keyA)
                        .status())
                .isEqualTo(404);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenantA + "/graphs/" + graphA + "/runs", keyA)
                        .body())
                .extracting(n -> n.path("runId").asText())
                .containsExactly(runId);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenantA + "/graph-runs/" + runId, keyB)
                        .status())
                .isIn(403, 404);
    }
}
