package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine client commands against a running hub, found through its data directory. */
class ClientCommandsIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    @Test
    void auditVerifyCountsTheChainAndNamesTheFirstBrokenLink() throws Exception {
        String tenant = hub.newTenant();
        hub.newToken(tenant, Map.of());
        hub.newToken(tenant, Map.of());
        hub.newToken(tenant, Map.of());

        var good = engine("audit", "verify", "--tenant", tenant);
        assertThat(good.exitCode()).as(good.err()).isZero();
        assertThat(good.out())
                .contains("the audit chain of tenant " + tenant + ": 4 event(s) verify")
                .containsPattern("node \\S+'s chain: 4 event\\(s\\), newest hash [0-9a-f]{64}")
                .contains("Keep these heads elsewhere");

        var stores = (io.enginex.edge.server.store.jdbc.JdbcStores) hub.hub().stores();
        try (var c = stores.dataSource().getConnection();
                var update =
                        c.prepareStatement("UPDATE audit_events SET details = '{}' WHERE tenant_id = ? AND seq = 2")) {
            update.setString(1, tenant);
            assertThat(update.executeUpdate()).isEqualTo(1);
        }
        var broken = engine("audit", "verify", "--tenant", tenant);

        assertThat(broken.exitCode()).isEqualTo(1);
        assertThat(broken.out())
                .contains("is BROKEN after 1 good event(s)")
                .containsPattern("First broken link: #2 of node \\S+'s chain, event aud_\\S+ at 20")
                .contains("its content was changed after it was written");
        assertThat(broken.err()).contains("does not verify");
    }

    @Test
    void tenantsAreCreatedAndListed() {
        String id = TestHub.randomId("cli");
        var created = engine("tenants", "create", id, "--name", "CLI Corp");
        var list = engine("tenants", "list");
        var again = engine("tenants", "create", id);

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("Created tenant " + id + " (CLI Corp)");
        assertThat(list.out()).contains(id).contains("CLI Corp").startsWith("ID");
        assertThat(again.exitCode()).isEqualTo(1);
        assertThat(again.err()).contains("409 tenant_exists");
    }

    @Test
    void tokenIsPrintedWithTheAgentCommandAndWorks() throws Exception {
        String tenant = hub.newTenant();
        var created = engine(
                "tokens",
                "create",
                "--tenant",
                tenant,
                "--ttl",
                "2h",
                "--uses",
                "3",
                "--label",
                "finance",
                "--description",
                "laptops");
        String token = created.out()
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("exr_"))
                .findFirst()
                .orElseThrow();

        assertThat(created.exitCode()).as(created.err()).isZero();
        assertThat(created.out()).contains("enginex-agent register --server " + hub.url() + " --token " + token);
        var registered = hub.registerWith(token, TestAgent.newKeyPair());
        assertThat(registered.status()).isEqualTo(201);
        assertThat(registered.body().get("labels").get(0).asText()).isEqualTo("finance");

        var list = engine("tokens", "list", "--tenant", tenant);
        assertThat(list.out())
                .contains("1/3")
                .contains("AGENTS")
                .contains(registered.body().get("agentId").asText() + " (")
                .contains("finance")
                .contains("laptops")
                .doesNotContain("exr_");
        JsonNode json = TestHub.MAPPER.readTree(
                engine("tokens", "list", "--tenant", tenant, "--json").out());
        String id = json.get(0).get("id").asText();
        var revoked = engine("tokens", "revoke", "--tenant", tenant, id);
        assertThat(revoked.out()).contains("Revoked registration token " + id);
        assertThat(hub.registerWith(token, TestAgent.newKeyPair()).code()).isEqualTo("token_revoked");
    }

    @Test
    void badDurationIsAUsageError() {
        var r = engine("tokens", "create", "--tenant", "x", "--ttl", "soon");

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--ttl").contains("15s");
    }

    @Test
    void apiKeyIsCreatedAndUsable() throws Exception {
        String tenant = hub.newTenant();
        var r = engine("api-keys", "create", "--tenant", tenant, "--role", "viewer", "--json");

        assertThat(r.exitCode()).as(r.err()).isZero();
        String key = TestHub.MAPPER.readTree(r.out()).get("key").asText();
        var list = CommandRun.run("agents", "list", "--tenant", tenant, "--server", hub.url(), "--api-key", key);
        assertThat(list.exitCode()).as(list.err()).isZero();
        var refused = CommandRun.run("tokens", "create", "--tenant", tenant, "--server", hub.url(), "--api-key", key);
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.err()).contains("403");
    }

    @Test
    void agentsAreListedAndRevoked() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            var list = engine("agents", "list", "--tenant", tenant);
            assertThat(list.out())
                    .contains(agent.agentId())
                    .contains("test-host")
                    .contains("online");

            var revoke = engine("agents", "revoke", "--tenant", tenant, agent.agentId());

            assertThat(revoke.exitCode()).as(revoke.err()).isZero();
            assertThat(revoke.out()).contains("Revoked agent " + agent.agentId());
            assertThat(socket.awaitClose(Duration.ofSeconds(2))).isEqualTo(4001);
            assertThat(engine("agents", "list", "--tenant", tenant).out()).contains("revoked");
        }
    }

    @Test
    void jobsRunDispatchesWaitsAndPrintsTheResult() throws Exception {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> engine(
                    "jobs",
                    "run",
                    "--tenant",
                    tenant,
                    "--agent",
                    agent.agentId(),
                    "--tool",
                    "fs.list",
                    "--args",
                    "{\"path\":\"reports\"}"));

            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.args().path("path").asText()).isEqualTo("reports");
            socket.send(new Ack(socket.nextId(), dispatch.jobId()));
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.readTree("{\"entries\":[{\"name\":\"q3.csv\"}]}"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            CommandRun done = run.get(30, TimeUnit.SECONDS);

            assertThat(done.exitCode()).as(done.err()).isZero();
            assertThat(done.out())
                    .contains("Job " + dispatch.jobId())
                    .contains("succeeded")
                    .contains("q3.csv");
            var shown = engine("sessions", "list", "--tenant", tenant);
            assertThat(shown.out()).contains("fs.list");
        }
    }

    @Test
    void jobsRunFailsWithTheAgentsErrorAndRefusesBadArguments() throws Exception {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.read")) {
            var badJson = engine(
                    "jobs",
                    "run",
                    "--tenant",
                    tenant,
                    "--agent",
                    agent.agentId(),
                    "--tool",
                    "fs.read",
                    "--args",
                    "{path");
            assertThat(badJson.exitCode()).isEqualTo(2);
            assertThat(badJson.err()).contains("--args is not valid JSON");

            CompletableFuture<CommandRun> run = CompletableFuture.supplyAsync(() -> engine(
                    "jobs",
                    "run",
                    "--tenant",
                    tenant,
                    "--agent",
                    agent.agentId(),
                    "--tool",
                    "fs.read",
                    "--args",
                    "{\"path\":\"../x\"}"));
            Dispatch dispatch = socket.expect(Dispatch.class);
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    null,
                    new ErrorInfo(ErrorCodes.PATH_OUTSIDE_ROOT, "../x resolves outside the allowed root"),
                    Instant.now(),
                    Instant.now(),
                    false));
            CommandRun failed = run.get(30, TimeUnit.SECONDS);

            assertThat(failed.exitCode()).isEqualTo(1);
            assertThat(failed.out()).contains("error path_outside_root");
            assertThat(failed.err()).contains("ended failed").contains("outside the allowed root");
        }
    }

    @Test
    void jobsAwaitingApprovalAreListedApprovedAndDenied() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String session = hub.newSession(tenant);
        try (AgentSocket socket = hub.connect(agent)) {
            socket.helloWith(java.util.List.of(new io.enginex.edge.protocol.ToolDescriptor(
                            "fs.delete", "fs.delete", "test tool", TestHub.MAPPER.createObjectNode(), "medium")
                    .withApproval(new io.enginex.edge.protocol.ToolApproval(true, java.util.List.of()))));
            String first = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", java.util.Map.of(), 60)
                    .get("id")
                    .asText();
            String second = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", java.util.Map.of(), 60)
                    .get("id")
                    .asText();

            var listed = engine("jobs", "list", "--tenant", tenant, "--state", "awaiting_approval");
            var approved = engine("jobs", "approve", "--tenant", tenant, first, "--reason", "checked");
            var denied = engine("jobs", "deny", "--tenant", tenant, second, "--reason", "wrong folder");
            var again = engine("jobs", "approve", "--tenant", tenant, second);

            assertThat(listed.exitCode()).as(listed.err()).isZero();
            assertThat(listed.out()).contains(first).contains(second).contains("awaiting_approval");
            assertThat(approved.exitCode()).as(approved.err()).isZero();
            assertThat(approved.out()).contains("approved by").contains("now dispatched");
            assertThat(socket.expect(Dispatch.class).approvedBy()).isNotBlank();
            assertThat(denied.out()).contains("denied by").contains("now cancelled");
            assertThat(again.exitCode()).isEqualTo(1);
            assertThat(again.err()).contains("job_not_awaiting_approval");
        }
    }

    @Test
    void devicesAreShownApprovedAndDeniedFromTheCommandLine() {
        String tenant = hub.newTenant();
        var approveMe = hub.api().post("/api/v1/agent/device/authorize", null, deviceRequest("laptop-cli"));
        var denyMe = hub.api().post("/api/v1/agent/device/authorize", null, deviceRequest("laptop-denied"));
        String code = approveMe.get("user_code");

        var shown = engine("devices", "show", code);
        var approved = engine("devices", "approve", code, "--tenant", tenant, "--label", "finance");
        var denied = engine("devices", "deny", denyMe.get("user_code"));

        assertThat(shown.exitCode()).as(shown.err()).isZero();
        assertThat(shown.out()).contains("laptop-cli").contains("alice").contains("SHA256:");
        assertThat(approved.exitCode()).as(approved.err()).isZero();
        assertThat(approved.out()).contains("Approved").contains("agt_");
        var token =
                hub.api().post("/api/v1/agent/device/token", null, Map.of("device_code", approveMe.get("device_code")));
        assertThat(token.get("tenant")).isEqualTo(tenant);
        assertThat(token.body().path("labels").toString()).contains("finance");
        assertThat(denied.exitCode()).as(denied.err()).isZero();
        var refused =
                hub.api().post("/api/v1/agent/device/token", null, Map.of("device_code", denyMe.get("device_code")));
        assertThat(refused.text()).contains("access_denied");
        assertThat(engine("devices", "show", code).exitCode()).isEqualTo(1);
    }

    private static Map<String, Object> deviceRequest(String hostname) {
        return Map.of(
                "publicKey", TestAgent.publicKeyBase64(TestAgent.newKeyPair()),
                "hostname", hostname,
                "os", "Linux",
                "user", "alice",
                "agentVersion", "0.1.0-test");
    }

    @Test
    void wrongKeySaysWhichKeyWasUsedAndWhereToGetOne() {
        var r = CommandRun.run("tenants", "list", "--server", hub.url(), "--api-key", "exk_wrong");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("--api-key").contains("admin.key").contains("unauthenticated");
    }

    @Test
    void unreachableHubSaysWhatToDo() throws Exception {
        int free;
        try (ServerSocket s = new ServerSocket(0)) {
            free = s.getLocalPort();
        }
        var r = CommandRun.run("tenants", "list", "--server", "http://127.0.0.1:" + free, "--api-key", "exk_x");

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err())
                .contains("cannot reach the hub at http://127.0.0.1:" + free)
                .contains("connection refused")
                .contains("engine serve");
    }

    @Test
    void enrolmentRatesAreSetForATokenAndATenantAndThePendingQueueIsListed() {
        String tenant = hub.newTenant();
        var token = engine("tokens", "create", "--tenant", tenant, "--uses", "1000", "--rate-limit", "1000/min");
        var tokens = engine("tokens", "list", "--tenant", tenant);
        var updated = engine("tenants", "update", tenant, "--enrolment-rate-limit", "200/min");
        var reset = engine("tenants", "update", tenant, "--enrolment-rate-limit", "default");
        var wrong = engine("tokens", "create", "--tenant", tenant, "--rate-limit", "fast");
        var request = new java.util.HashMap<>(deviceRequest("laptop-queued"));
        request.put("tenant", tenant);
        String code =
                hub.api().post("/api/v1/agent/device/authorize", null, request).get("user_code");
        var queue = engine("devices", "list", "--pending", "--tenant", tenant);
        var shown = engine("devices", "show", code);

        assertThat(token.exitCode()).as(token.err()).isZero();
        assertThat(token.out()).contains("1000 enrolments/min per address");
        assertThat(tokens.out()).contains("RATE").contains("1000/min");
        assertThat(updated.exitCode()).as(updated.err()).isZero();
        assertThat(updated.out()).contains("enrolment rate limit 200/min");
        assertThat(reset.out()).contains("hub default");
        assertThat(wrong.exitCode()).isEqualTo(2);
        assertThat(wrong.err()).contains("--rate-limit is a number of enrolments per minute like 200/min");
        assertThat(queue.exitCode()).as(queue.err()).isZero();
        assertThat(queue.out()).contains(code).contains("laptop-queued").contains("SHA256:");
        assertThat(shown.out()).contains("Tenant      " + tenant);
    }

    @Test
    void everyCommandHasHelpWithExamples() {
        for (String[] command : new String[][] {
            {"--help"},
            {"serve", "--help"},
            {"tenants", "create", "--help"},
            {"tenants", "list", "--help"},
            {"tokens", "create", "--help"},
            {"tokens", "list", "--help"},
            {"tokens", "revoke", "--help"},
            {"api-keys", "create", "--help"},
            {"agents", "list", "--help"},
            {"agents", "revoke", "--help"},
            {"sessions", "create", "--help"},
            {"sessions", "list", "--help"},
            {"sessions", "show", "--help"},
            {"jobs", "run", "--help"},
            {"tenants", "update", "--help"},
            {"devices", "list", "--help"},
            {"devices", "show", "--help"},
            {"devices", "approve", "--help"},
            {"devices", "deny", "--help"},
            {"jobs", "show", "--help"},
            {"audit", "verify", "--help"}
        }) {
            var r = CommandRun.run(command);
            assertThat(r.exitCode()).as(String.join(" ", command)).isZero();
            assertThat(r.out()).as(String.join(" ", command)).contains("Usage:").contains("Examples:");
        }
        assertThat(CommandRun.run("--version").out()).startsWith("engine ");
        assertThat(CommandRun.run("tenants", "create").exitCode()).isEqualTo(2);
        assertThat(CommandRun.run("tenants").exitCode()).isEqualTo(2);
        assertThat(CommandRun.run().exitCode()).isEqualTo(2);
    }
}
