package io.enginex.edge.server.graph;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.graph.GraphEnvelope;
import io.enginex.edge.common.graph.GraphSignatureException;
import io.enginex.edge.common.tuf.TufKey;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.GraphStart;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs on a hub over PostgreSQL: defined with an Idempotency-Key (made once), checked with the
 * agent's format (problems with line and pointer), versioned immutably, signed with the hub's graph
 * key, withdrawn, audited, and written by admins only.
 */
class GraphsIT {
    private static final String DATABASE =
            TestHub.randomId("graphs_it").replace('-', '_').toLowerCase(Locale.ROOT);

    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        admin("CREATE DATABASE " + DATABASE);
        hub = TestHub.start(
                dir,
                // no safety-net sweep within a test: a queued start reaches its agent at its hello
                b -> b.database(DatabaseConfig.of(SERVER + DATABASE, "postgres", ""))
                        .clusterSweep(Duration.ofHours(1)),
                Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        if (hub != null) {
            hub.close();
        }
        admin("DROP DATABASE IF EXISTS " + DATABASE);
    }

    static String graph(String name, String tool) {
        return """
                {
                  "version": 1,
                  "name": "%s",
                  "steps": [
                    {"id": "list", "tool": "%s", "args": {"path": "${input.folder}"}}
                  ]
                }
                """.formatted(name, tool);
    }

    private static Response create(String tenant, String key, String idempotencyKey, Map<String, Object> body) {
        return hub.api()
                .exchange(
                        "POST",
                        "/api/v1/tenants/" + tenant + "/graphs",
                        key,
                        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey),
                        body);
    }

    @Test
    void aGraphIsDefinedOncePerIdempotencyKeyAndAuditedOnce() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        Map<String, Object> body = Map.of("scope", "label:team=finance", "source", graph("nightly", "fs.list"));

        Response first = create(tenant, admin, "k-1", body);
        Response again = create(tenant, admin, "k-1", body);

        assertThat(first.status()).as(first.text()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
        String id = first.body().path("graph").path("id").asText();
        assertThat(id).startsWith("gph_");
        assertThat(again.body().path("graph").path("id").asText()).isEqualTo(id);
        assertThat(first.body().path("graph").path("name").asText()).isEqualTo("nightly");
        assertThat(first.body().path("graph").path("scope").asText()).isEqualTo("label:team=finance");
        assertThat(first.body().path("version").path("version").asInt()).isEqualTo(1);
        JsonNode list =
                hub.api().get("/api/v1/tenants/" + tenant + "/graphs", admin).body();
        assertThat(list).hasSize(1);
        assertThat(audit(tenant, "graph.created")).hasSize(1);
        assertThat(audit(tenant, "graph.created")
                        .get(0)
                        .path("details")
                        .path("name")
                        .asText())
                .isEqualTo("nightly");
    }

    @Test
    void anInvalidGraphIsRefusedWithEveryProblemsLineAndPointerAndNothingIsStored() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String bad = """
                {
                  "version": 1,
                  "name": "bad",
                  "steps": [
                    {"id": "a", "tol": "fs.list"},
                    {"id": "b", "tool": "fs.list", "dependsOn": ["nope"]}
                  ]
                }
                """;

        Response r = create(tenant, admin, "k-bad", Map.of("scope", "tenant", "source", bad));
        Response syntax =
                create(tenant, admin, null, Map.of("scope", "tenant", "source", "{\n  \"version\": 1,\n  oops\n}"));
        Response none = create(tenant, admin, null, Map.of("scope", "tenant"));
        Response scope = create(tenant, admin, null, Map.of("scope", "team", "source", graph("g", "fs.list")));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("invalid_graph");
        assertThat(r.message())
                .contains("graph:5: /steps/0: required property 'tool' not found")
                .contains("graph:5: /steps/0: property 'tol' is not defined in the schema");
        assertThat(syntax.code()).isEqualTo("invalid_graph");
        assertThat(syntax.message()).contains("graph:3: not JSON");
        assertThat(none.code()).isEqualTo("invalid_graph");
        assertThat(none.message()).contains("\"source\"");
        assertThat(scope.code()).isEqualTo("invalid_scope");
        assertThat(hub.api().get("/api/v1/tenants/" + tenant + "/graphs", admin).body())
                .isEmpty();
        assertThat(audit(tenant, "graph.created")).isEmpty();
    }

    @Test
    void versionsAreImmutableAndEachIsSignedWithTheHubsGraphKey() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String v1 = graph("sync", "fs.list");
        String v2 = graph("sync", "fs.stat");
        String id = create(tenant, admin, "k-v1", Map.of("scope", "tenant", "source", v1))
                .body()
                .path("graph")
                .path("id")
                .asText();
        String base = "/api/v1/tenants/" + tenant + "/graphs/" + id;

        Response second = hub.api()
                .exchange(
                        "POST",
                        base + "/versions",
                        admin,
                        Map.of("Idempotency-Key", "k-v2"),
                        Map.of("source", v2, "scope", "label:office"));
        Response renamed = hub.api().post(base + "/versions", admin, Map.of("source", graph("other", "fs.list")));

        assertThat(second.status()).as(second.text()).isEqualTo(201);
        assertThat(second.body().path("version").path("version").asInt()).isEqualTo(2);
        assertThat(renamed.code()).isEqualTo("invalid_graph");
        assertThat(renamed.message()).contains("keeps its graph's name");
        JsonNode graph = hub.api().get(base, admin).body();
        assertThat(graph.path("latestVersion").asInt()).isEqualTo(2);
        assertThat(graph.path("scope").asText()).isEqualTo("label:office");
        assertThat(hub.api().get(base + "/versions", admin).body())
                .extracting(v -> v.path("version").asInt())
                .containsExactly(1, 2);
        JsonNode first = hub.api().get(base + "/versions/1", admin).body();
        assertThat(first.path("source").asText()).isEqualTo(v1);
        assertThat(first.path("document").path("steps").get(0).path("tool").asText())
                .isEqualTo("fs.list");
        assertThat(hub.api().get(base + "/versions/3", admin).code()).isEqualTo("graph_version_not_found");
        assertThat(hub.api().get(base + "/versions/x", admin).code()).isEqualTo("invalid_version");

        // The envelope verifies with the key derived from this hub's secret, and with no other.
        TufKey key = hubKey();
        JsonNode envelope = hub.api().get(base + "/versions/2", admin).body().path("envelope");
        var issued = GraphEnvelope.verify(envelope, key, tenant);
        assertThat(issued.version()).isEqualTo(2);
        assertThat(issued.document()).isEqualTo(v2);
        assertThat(issued.scope()).isEqualTo("label:office");
        ObjectNode tampered = envelope.deepCopy();
        ((ObjectNode) tampered.get("signed")).put("document", v1);
        assertThatThrownBy(() -> GraphEnvelope.verify(tampered, key, tenant))
                .isInstanceOf(GraphSignatureException.class)
                .hasMessageContaining("no valid signature");
        assertThatThrownBy(() -> GraphEnvelope.verify(envelope, key, "another-tenant"))
                .isInstanceOf(GraphSignatureException.class)
                .hasMessageContaining("not this agent's tenant");
        assertThat(audit(tenant, "graph-version.created")).hasSize(1);
    }

    @Test
    void aWithdrawnGraphTakesNoVersionAndKeepsItsName() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String id = create(tenant, admin, null, Map.of("scope", "tenant", "source", graph("old", "fs.list")))
                .body()
                .path("graph")
                .path("id")
                .asText();
        String base = "/api/v1/tenants/" + tenant + "/graphs/" + id;

        Response withdrawn = hub.api().post(base + "/withdraw", admin, Map.of());
        Response twice = hub.api().post(base + "/withdraw", admin, Map.of());
        Response version = hub.api().post(base + "/versions", admin, Map.of("source", graph("old", "fs.list")));
        Response sameName = create(tenant, admin, null, Map.of("scope", "tenant", "source", graph("old", "fs.list")));

        assertThat(withdrawn.status()).as(withdrawn.text()).isEqualTo(200);
        assertThat(withdrawn.body().path("withdrawn").asBoolean()).isTrue();
        assertThat(twice.status()).isEqualTo(200);
        assertThat(version.status()).isEqualTo(409);
        assertThat(version.code()).isEqualTo("graph_withdrawn");
        assertThat(sameName.code()).isEqualTo("graph_exists");
        assertThat(audit(tenant, "graph.withdrawn")).hasSize(1);
    }

    @Test
    void operatorsAndViewersReadButOnlyAdminsWrite() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String operator = hub.tenantKey(tenant, "operator");
        String viewer = hub.tenantKey(tenant, "viewer");
        String id = create(tenant, admin, null, Map.of("scope", "tenant", "source", graph("ro", "fs.list")))
                .body()
                .path("graph")
                .path("id")
                .asText();

        Response byOperator =
                create(tenant, operator, null, Map.of("scope", "tenant", "source", graph("x", "fs.list")));
        Response withdrawByViewer =
                hub.api().post("/api/v1/tenants/" + tenant + "/graphs/" + id + "/withdraw", viewer, Map.of());

        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(withdrawByViewer.status()).isEqualTo(403);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/graphs/" + id, viewer)
                        .status())
                .isEqualTo(200);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/graphs", operator)
                        .body())
                .hasSize(1);
    }

    @Test
    void welcomeCarriesTheAgentsSignedGraphsAndAChangeIsPushedInAPolicyFrame() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        TestAgent agent = hub.register(tenant); // label "test"
        String mine = create(tenant, admin, null, Map.of("scope", "label:test", "source", graph("mine", "fs.list")))
                .body()
                .path("graph")
                .path("id")
                .asText();
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/graphs/" + mine + "/versions",
                        admin,
                        Map.of("source", graph("mine", "fs.stat")));
        create(tenant, admin, null, Map.of("scope", "label:other", "source", graph("not-mine", "fs.list")));
        TufKey key = hubKey();

        try (AgentSocket socket = hub.connect(agent)) {
            Welcome welcome = socket.hello("fs.list");
            assertThat(welcome.graphs().key()).isEqualTo(key.publicHex());
            assertThat(welcome.graphs().signed()).singleElement().satisfies(e -> {
                GraphEnvelope.Issued issued = GraphEnvelope.verify(e, key, tenant);
                assertThat(issued.name()).isEqualTo("mine");
                assertThat(issued.version()).as("the latest version").isEqualTo(2);
                assertThat(issued.document()).contains("fs.stat");
            });
            socket.send(new Advertise(
                    socket.nextId(),
                    List.of(),
                    "sha256:x",
                    TestHub.MAPPER.createObjectNode().put("tenantPolicy", "none")));
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> hub.api()
                            .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                            .body()
                            .path("effectivePolicy")
                            .has("tenantPolicy"));

            String id = create(tenant, admin, null, Map.of("scope", "tenant", "source", graph("everyone", "fs.stat")))
                    .body()
                    .path("graph")
                    .path("id")
                    .asText();
            PolicyUpdate added = socket.expect(PolicyUpdate.class);
            assertThat(added.graphs().signed())
                    .extracting(e -> GraphEnvelope.verify(e, key, tenant).name())
                    .containsExactly("everyone", "mine");

            hub.api().post("/api/v1/tenants/" + tenant + "/graphs/" + id + "/withdraw", admin, Map.of());
            PolicyUpdate withdrawn = socket.expect(PolicyUpdate.class);
            assertThat(withdrawn.graphs().signed())
                    .extracting(e -> GraphEnvelope.verify(e, key, tenant).name())
                    .containsExactly("mine");
        }
    }

    private static Response start(String tenant, String key, String idempotencyKey, String graph, Object body) {
        return hub.api()
                .exchange(
                        "POST",
                        "/api/v1/tenants/" + tenant + "/graphs/" + graph + "/start",
                        key,
                        idempotencyKey == null ? Map.of() : Map.of("Idempotency-Key", idempotencyKey),
                        body);
    }

    private static String defined(String tenant, String admin, String scope, String name) {
        return create(tenant, admin, null, Map.of("scope", scope, "source", graph(name, "fs.list")))
                .body()
                .path("graph")
                .path("id")
                .asText();
    }

    /** The next graphStart frame, past the policy frames a change of the tenant's graphs pushes. */
    private static GraphStart nextStart(AgentSocket socket) {
        while (true) {
            Message m = socket.next();
            if (m instanceof GraphStart start) {
                return start;
            }
            assertThat(m).as("only policy frames come between starts").isInstanceOf(PolicyUpdate.class);
        }
    }

    @Test
    void aStartFromTheHubReachesTheConnectedAgentOnceWithItsGraphAndInput() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String operator = hub.tenantKey(tenant, "operator");
        String viewer = hub.tenantKey(tenant, "viewer");
        TestAgent agent = hub.register(tenant); // label "test"
        String nightly = defined(tenant, admin, "label:test", "nightly");
        String elsewhere = defined(tenant, admin, "label:other", "elsewhere");
        String gone = defined(tenant, admin, "tenant", "gone");
        hub.api().post("/api/v1/tenants/" + tenant + "/graphs/" + gone + "/withdraw", admin, Map.of());
        Map<String, Object> body = Map.of("agentId", agent.agentId(), "input", Map.of("day", "2026-12-05"));

        Response offline = start(tenant, operator, "s-0", nightly, body);
        assertThat(offline.status()).as(offline.text()).isEqualTo(202);
        assertThat(offline.body().path("state").asText()).isEqualTo("queued");
        String queuedId = offline.body().path("startId").asText();
        assertThat(start(tenant, operator, "s-0", nightly, body)
                        .body()
                        .path("startId")
                        .asText())
                .isEqualTo(queuedId);

        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            GraphStart queued = nextStart(socket);
            assertThat(queued.startId()).as("sent once, at the hello").isEqualTo(queuedId);
            assertThat(queued.input().path("day").asText()).isEqualTo("2026-12-05");
            assertThat(startState(tenant, viewer, queuedId)).isEqualTo("sent");
            assertThat(start(tenant, operator, "s-0", nightly, body).status()).isEqualTo(202);

            Response first = start(tenant, operator, "s-1", nightly, body);
            assertThat(first.status()).as(first.text()).isEqualTo(202);
            String startId = first.body().path("startId").asText();
            assertThat(startId).startsWith("gst_");
            GraphStart frame = nextStart(socket);
            assertThat(frame.startId()).isEqualTo(startId);
            assertThat(frame.graphId()).isEqualTo(nightly);
            assertThat(frame.graph()).isEqualTo("nightly");
            assertThat(frame.input().path("day").asText()).isEqualTo("2026-12-05");
            assertThat(frame.by()).isNotBlank();

            Response again = start(tenant, operator, "s-1", nightly, body);
            assertThat(again.status()).isEqualTo(202);
            assertThat(again.headers().firstValue("Idempotent-Replayed")).hasValue("true");
            assertThat(again.body().path("startId").asText()).isEqualTo(startId);

            Response notAssigned = start(tenant, operator, null, elsewhere, body);
            assertThat(notAssigned.status()).as(notAssigned.text()).isEqualTo(409);
            assertThat(notAssigned.code()).isEqualTo("graph_not_assigned");
            Response withdrawn = start(tenant, operator, null, gone, body);
            assertThat(withdrawn.status()).as(withdrawn.text()).isEqualTo(409);
            assertThat(withdrawn.code()).isEqualTo("graph_withdrawn");
            Response reserved = start(
                    tenant,
                    operator,
                    null,
                    nightly,
                    Map.of("agentId", agent.agentId(), "input", Map.of("trigger", "x")));
            assertThat(reserved.status()).isEqualTo(400);
            assertThat(reserved.code()).isEqualTo("invalid_input");
            assertThat(start(tenant, viewer, null, nightly, body).status()).isEqualTo(403);

            // Nothing came for the replays or the refusals: the next frame is the next start's.
            Response next = start(tenant, operator, "s-2", nightly, Map.of("agentId", agent.agentId()));
            assertThat(next.status()).as(next.text()).isEqualTo(202);
            GraphStart second = nextStart(socket);
            assertThat(second.startId()).isEqualTo(next.body().path("startId").asText());
            assertThat(second.input().isEmpty()).as("no input is {}").isTrue();
        }
        List<JsonNode> started = audit(tenant, "graph.started");
        assertThat(started).hasSize(3);
        assertThat(started)
                .extracting(e -> e.path("details").path("agentId").asText())
                .containsOnly(agent.agentId());
        assertThat(started)
                .extracting(e -> e.path("details").path("startId").asText())
                .doesNotHaveDuplicates()
                .allMatch(id -> id.startsWith("gst_"));
    }

    private static String startState(String tenant, String key, String startId) {
        Response r = hub.api().get("/api/v1/tenants/" + tenant + "/graph-starts/" + startId, key);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body().path("state").asText();
    }

    @Test
    void aQueuedStartCanBeCancelledAndNeitherItNorAnExpiredOneReachesTheAgent() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String operator = hub.tenantKey(tenant, "operator");
        String viewer = hub.tenantKey(tenant, "viewer");
        TestAgent agent = hub.register(tenant);
        String nightly = defined(tenant, admin, "label:test", "nightly");
        Map<String, Object> body = Map.of("agentId", agent.agentId(), "expiresIn", "2h");

        Response badExpiry =
                start(tenant, operator, null, nightly, Map.of("agentId", agent.agentId(), "expiresIn", "9d"));
        assertThat(badExpiry.status()).isEqualTo(400);
        assertThat(badExpiry.code()).isEqualTo("invalid_expiry");
        Response queued = start(tenant, operator, null, nightly, body);
        assertThat(queued.status()).as(queued.text()).isEqualTo(202);
        String cancelledId = queued.body().path("startId").asText();
        assertThat(java.time.Duration.between(
                        java.time.Instant.parse(queued.body().path("at").asText()),
                        java.time.Instant.parse(queued.body().path("expiresAt").asText())))
                .isEqualTo(java.time.Duration.ofHours(2));
        String cancelPath = "/api/v1/tenants/" + tenant + "/graph-starts/" + cancelledId + "/cancel";
        assertThat(hub.api().post(cancelPath, viewer, Map.of()).status()).isEqualTo(403);
        Response cancelled = hub.api().post(cancelPath, operator, Map.of());
        assertThat(cancelled.status()).as(cancelled.text()).isEqualTo(200);
        assertThat(cancelled.body().path("state").asText()).isEqualTo("cancelled");
        Response again = hub.api().post(cancelPath, operator, Map.of());
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("graph_start_not_queued");
        assertThat(again.message()).contains("cancelled");
        // A start older than its expiry, as the table holds it after that time.
        java.time.Instant past = java.time.Instant.now().minus(java.time.Duration.ofHours(3));
        hub.hub()
                .stores()
                .graphStarts()
                .insert(new io.enginex.edge.server.store.GraphStartRecord(
                        "gst_expired"
                                + TestHub.randomId("x").toLowerCase(Locale.ROOT).replace('-', '_'),
                        tenant,
                        nightly,
                        "nightly",
                        1,
                        agent.agentId(),
                        "{}",
                        "test",
                        past,
                        past.plus(java.time.Duration.ofHours(1)),
                        "queued",
                        null,
                        null,
                        null,
                        null));

        JsonNode listed = hub.api()
                .get("/api/v1/tenants/" + tenant + "/graph-starts?agentId=" + agent.agentId(), viewer)
                .body();
        assertThat(listed).extracting(s -> s.path("state").asText()).containsExactly("cancelled", "expired");
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            Response next = start(tenant, operator, null, nightly, body);
            assertThat(nextStart(socket).startId())
                    .as("the cancelled and the expired start were not sent")
                    .isEqualTo(next.body().path("startId").asText());
        }
        assertThat(audit(tenant, "graph-start.cancelled")).hasSize(1);
    }

    @Test
    void startsThatEndedBeyondTheRetentionArePurgedAndAQueuedOneIsKeptUntilItExpires() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String graph = defined(tenant, hub.tenantKey(tenant, "admin"), "tenant", "purged");
        java.time.Instant now = java.time.Instant.now();
        java.time.Instant old = now.minus(GraphStartDeliveries.RETENTION).minus(Duration.ofDays(1));
        java.time.Instant recent = now.minus(GraphStartDeliveries.RETENTION).plus(Duration.ofDays(1));
        var starts = hub.hub().stores().graphStarts();
        for (String id : List.of("gst_old_sent", "gst_old_cancelled", "gst_recent_sent", "gst_long_queued")) {
            starts.insert(startRow(id, tenant, graph, agent, old, now.plus(Duration.ofDays(1))));
        }
        starts.insert(startRow("gst_old_expired", tenant, graph, agent, old, old.plusSeconds(60)));
        starts.insert(startRow("gst_recent_expired", tenant, graph, agent, old, recent));
        assertThat(starts.claim(tenant, "gst_old_sent" + tenant, "node-a", old)).isTrue();
        assertThat(starts.cancel(tenant, "gst_old_cancelled" + tenant, "test", old))
                .isTrue();
        assertThat(starts.claim(tenant, "gst_recent_sent" + tenant, "node-a", recent))
                .isTrue();

        starts.purgeEnded(now.minus(GraphStartDeliveries.RETENTION));

        assertThat(starts.list(tenant, null, 100))
                .extracting(io.enginex.edge.server.store.GraphStartRecord::id)
                .containsExactlyInAnyOrder(
                        "gst_recent_sent" + tenant, "gst_recent_expired" + tenant, "gst_long_queued" + tenant);
    }

    private static io.enginex.edge.server.store.GraphStartRecord startRow(
            String id,
            String tenant,
            String graph,
            TestAgent agent,
            java.time.Instant created,
            java.time.Instant expires) {
        return new io.enginex.edge.server.store.GraphStartRecord(
                id + tenant,
                tenant,
                graph,
                "purged",
                1,
                agent.agentId(),
                "{}",
                "test",
                created,
                expires,
                "queued",
                null,
                null,
                null,
                null);
    }

    @Test
    void anotherTenantsGraphOrAgentIsNotFoundForAStart() {
        String a = hub.newTenant();
        String b = hub.newTenant();
        String adminA = hub.tenantKey(a, "admin");
        TestAgent agentA = hub.register(a);
        TestAgent agentB = hub.register(b);
        String graphA = defined(a, adminA, "tenant", "mine");
        String graphB = defined(b, hub.tenantKey(b, "admin"), "tenant", "theirs");

        Response theirGraph = start(a, adminA, null, graphB, Map.of("agentId", agentA.agentId()));
        Response theirAgent = start(a, adminA, null, graphA, Map.of("agentId", agentB.agentId()));
        Response theirPath = start(b, adminA, null, graphB, Map.of("agentId", agentB.agentId()));

        assertThat(theirGraph.status()).isEqualTo(404);
        assertThat(theirGraph.code()).isEqualTo("graph_not_found");
        assertThat(theirAgent.status()).isEqualTo(404);
        assertThat(theirAgent.code()).isEqualTo("agent_not_found");
        assertThat(theirPath.status()).isIn(403, 404);
        assertThat(audit(a, "graph.started")).isEmpty();
        String theirStart = start(b, hub.tenantKey(b, "operator"), null, graphB, Map.of("agentId", agentB.agentId()))
                .body()
                .path("startId")
                .asText();
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + a + "/graph-starts/" + theirStart, adminA)
                        .status())
                .isEqualTo(404);
        assertThat(hub.api()
                        .post("/api/v1/tenants/" + a + "/graph-starts/" + theirStart + "/cancel", adminA, Map.of())
                        .status())
                .isEqualTo(404);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + a + "/graph-starts", adminA)
                        .text())
                .doesNotContain(theirStart);
        assertThat(startState(b, hub.tenantKey(b, "viewer"), theirStart)).isEqualTo("queued");
        assertThat(audit(b, "graph.started")).hasSize(1);
    }

    private static TufKey hubKey() {
        try {
            return GraphKey.derive(Files.readAllBytes(dir.resolve("hub.secret")))
                    .key();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<JsonNode> audit(String tenant, String type) {
        JsonNode events = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=" + type, hub.platformKey())
                .body()
                .path("events");
        return java.util.stream.StreamSupport.stream(events.spliterator(), false)
                .toList();
    }
}
