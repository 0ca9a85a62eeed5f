package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.McpClient;
import io.enginex.edge.e2e.support.OsProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's MCP endpoint driven by a client no one here wrote: the official MCP TypeScript SDK (npm
 * {@code @modelcontextprotocol/sdk}, run by Node) lists the tools of a real agent process through
 * the real hub, calls one and gets the agent's real result, gets a clear "awaiting approval" answer
 * for a call a person must approve and its result after approval, and never sees or reaches the
 * agent of another tenant.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class McpE2EIT {
    private HubProcess hub;
    private final List<AgentProcess> agents = new ArrayList<>();
    private HubApi api;
    private McpClient mcp;
    private String acmeAgent;
    private String otherAgent;
    private String operatorKey;
    private String viewerKey;
    private String otherKey;

    @BeforeAll
    void startHubAndAgents(@TempDir Path tmp) throws IOException {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        api = hub.api();
        mcp = new McpClient(hub, logs.resolve("mcp"));
        api.createTenant("acme");
        api.createTenant("other");
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("q3.csv"), "region,total\nnorth,42\n");
        acmeAgent = startAgent("acme", tmp.resolve("acme"), root, logs.resolve("acme"));
        otherAgent = startAgent("other", tmp.resolve("other"), root, logs.resolve("other"));
        operatorKey = key("acme", "operator");
        viewerKey = key("acme", "viewer");
        otherKey = key("other", "operator");
    }

    private String startAgent(String tenant, Path dir, Path root, Path logs) throws IOException {
        Path policyDir = Files.createDirectories(dir.resolve("policy"));
        Files.setPosixFilePermissions(policyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path policy = policyDir.resolve("policy.json");
        Files.writeString(policy, """
                {"version":1,
                 "roots":[{"path":"%s","mode":"read"}],
                 "tools":["fs.list","fs.read","exec"],
                 "commands":[{"name":"greet","argv":["/bin/echo","hello","{who}"],
                              "params":{"who":{"pattern":"[a-z]+"}},"timeoutSeconds":10,
                              "approvalRequired":true},
                             {"name":"nap","argv":["/bin/sleep","{seconds}"],
                              "params":{"seconds":{"pattern":"[0-9]"}},"timeoutSeconds":20}]}
                """.formatted(root.toRealPath()));
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-r--r--"));
        AgentProcess agent = AgentProcess.of(dir.resolve("state"), root, logs);
        agents.add(agent);
        OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken(tenant));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        agent.run(List.of("--machine-policy", policy.toString()));
        String id = expect(200, api.get("/api/v1/tenants/" + tenant + "/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/tenants/" + tenant + "/agents/" + id)
                        .body()
                        .path("connected")
                        .asBoolean());
        return id;
    }

    private String key(String tenant, String role) {
        return expect(201, api.post("/api/v1/tenants/" + tenant + "/api-keys", Map.of("role", role)))
                .body()
                .path("key")
                .asText();
    }

    @AfterAll
    void stop() {
        agents.forEach(AgentProcess::close);
        if (hub != null) {
            hub.close();
        }
    }

    /** The tool named {@code <agent>__<tool>} of {@code agentId} in a tools/list answer. */
    private static JsonNode tool(JsonNode list, String agentId, String tool) {
        for (JsonNode t : list.path("tools")) {
            if (t.path("_meta").path("io.enginex/agentId").asText().equals(agentId)
                    && t.path("_meta").path("io.enginex/tool").asText().equals(tool)) {
                return t;
            }
        }
        throw new AssertionError("no " + tool + " of " + agentId + " in " + list);
    }

    @Test
    void theTypeScriptClientListsTheAgentsToolsAndCallsOneWithTheAgentsRealResult() {
        JsonNode list = mcp.run(operatorKey, "list").get(0);
        JsonNode read = tool(list, acmeAgent, "fs.read");
        String name = read.path("name").asText();
        assertThat(name).matches("[a-zA-Z0-9_-]{1,64}").endsWith("__fs_read");
        assertThat(read.path("inputSchema").path("properties").has("path"))
                .as(read.toString())
                .isTrue();
        assertThat(read.path("description").asText()).contains(acmeAgent);

        JsonNode call =
                mcp.run(operatorKey, "call", name, "{\"path\":\"q3.csv\"}").get(0);

        JsonNode result = call.path("result");
        assertThat(result.path("isError").asBoolean()).as(call.toString()).isFalse();
        assertThat(result.path("content").get(0).path("text").asText()).contains("north,42");
        String jobId = result.path("_meta").path("io.enginex/jobId").asText();
        JsonNode job =
                expect(200, api.get("/api/v1/tenants/acme/jobs/" + jobId)).body();
        assertThat(job.path("state").asText()).isEqualTo("succeeded");
        assertThat(job.path("agentId").asText()).isEqualTo(acmeAgent);
        // Audited: the job by the API key, in the hub session the MCP client's session started.
        JsonNode started = expect(200, api.get("/api/v1/tenants/acme/audit?type=mcp-session.started"))
                .body()
                .path("events");
        assertThat(started.findValuesAsText("clientName")).contains("enginex-e2e-client");
        assertThat(started.findValuesAsText("id")).isNotEmpty();
        JsonNode created = expect(200, api.get("/api/v1/tenants/acme/audit?type=job.created"))
                .body()
                .path("events");
        assertThat(created.findValuesAsText("sessionId"))
                .contains(job.path("sessionId").asText());
    }

    @Test
    void theTypeScriptClientsOwnOAuthFlowSignsAPersonInAndCallsTheAgentAsThem() {
        String email = "oauth-operator@example.com";
        String password = "plum kettle orbit glacier 7";
        String userId = expect(
                        201,
                        api.post(
                                "/api/v1/tenants/acme/users",
                                Map.of("email", email, "role", "operator", "password", password)))
                .body()
                .path("user")
                .path("id")
                .asText();
        assertThat(userId).startsWith("usr_");
        String name = tool(mcp.run(operatorKey, "list").get(0), acmeAgent, "fs.read")
                .path("name")
                .asText();

        List<JsonNode> lines = mcp.runWithOAuth(email, password, "list", "call", name, "{\"path\":\"q3.csv\"}");

        // Discovery from the 401, registration, sign-in, consent naming client, redirect and tenant; PKCE.
        JsonNode connect = lines.get(0);
        assertThat(connect.path("consent").path("clientName").asText()).isEqualTo("enginex-e2e-oauth-client");
        assertThat(connect.path("consent").path("redirectUri").asText()).isEqualTo("http://127.0.0.1:33419/callback");
        assertThat(connect.path("consent").path("tenant").asText()).isEqualTo("acme");
        assertThat(connect.path("authorizationUrl").asText())
                .startsWith(hub.url() + "/ui/oauth/authorize?")
                .contains("code_challenge_method=S256")
                .contains("resource="
                        + java.net.URLEncoder.encode(hub.url() + "/mcp", java.nio.charset.StandardCharsets.UTF_8));
        assertThat(connect.path("refreshToken").asBoolean()).isTrue();
        JsonNode list = lines.get(1);
        assertThat(tool(list, acmeAgent, "fs.read").path("name").asText()).isEqualTo(name);
        assertThat(list.path("tools").findValuesAsText("io.enginex/agentId"))
                .as("never another tenant's agent")
                .doesNotContain(otherAgent);
        JsonNode result = lines.get(2).path("result");
        assertThat(result.path("isError").asBoolean())
                .as(lines.get(2).toString())
                .isFalse();
        assertThat(result.path("content").get(0).path("text").asText()).contains("north,42");

        // The job ran as the person, and the grant is audited with the client's name.
        String jobId = result.path("_meta").path("io.enginex/jobId").asText();
        JsonNode created = expect(200, api.get("/api/v1/tenants/acme/audit?type=job.created"))
                .body()
                .path("events");
        JsonNode job = null;
        for (JsonNode e : created) {
            if (e.path("target").path("id").asText().equals(jobId)) {
                job = e;
            }
        }
        assertThat(job).as("job.created of " + jobId + " in " + created).isNotNull();
        assertThat(job.path("actor").path("id").asText()).isEqualTo(userId);
        JsonNode granted = expect(200, api.get("/api/v1/tenants/acme/audit?type=oauth-grant.created"))
                .body()
                .path("events");
        assertThat(granted.findValuesAsText("clientName")).contains("enginex-e2e-oauth-client");
    }

    @Test
    void aCallThatNeedsApprovalAnswersAtOnceWithTheApprovalPageAndItsResultComesAfterApproval() {
        String exec = tool(mcp.run(operatorKey, "list").get(0), acmeAgent, "exec")
                .path("name")
                .asText();

        JsonNode held = mcp.run(operatorKey, "call", exec, "{\"command\":\"greet\",\"params\":{\"who\":\"world\"}}")
                .get(0)
                .path("result");

        String jobId = held.path("_meta").path("io.enginex/jobId").asText();
        assertThat(held.path("isError").asBoolean()).isFalse();
        assertThat(held.path("_meta").path("io.enginex/state").asText()).isEqualTo("awaiting_approval");
        assertThat(held.path("content").get(0).path("text").asText())
                .contains("Awaiting approval")
                .contains(hub.url() + "/ui/approvals/" + jobId)
                .contains("enginex__job_result");
        expect(200, api.post("/api/v1/tenants/acme/jobs/" + jobId + "/approve", Map.of("reason", "fine")));

        JsonNode done = mcp.run(operatorKey, "call", "enginex__job_result", "{\"jobId\":\"" + jobId + "\"}")
                .get(0)
                .path("result");

        assertThat(done.path("isError").asBoolean()).as(done.toString()).isFalse();
        assertThat(done.path("content").get(0).path("text").asText()).contains("hello world");
    }

    @Test
    void aLongCallReportsItsJobsProgressWhileItRuns() {
        String exec = tool(mcp.run(operatorKey, "list").get(0), acmeAgent, "exec")
                .path("name")
                .asText();

        JsonNode call = mcp.run(operatorKey, "call", exec, "{\"command\":\"nap\",\"params\":{\"seconds\":\"7\"}}")
                .get(0);

        assertThat(call.path("result").path("isError").asBoolean())
                .as(call.toString())
                .isFalse();
        String jobId =
                call.path("result").path("_meta").path("io.enginex/jobId").asText();
        assertThat(call.path("progress")).as(call.toString()).isNotEmpty();
        assertThat(call.path("progress").get(0).path("message").asText()).startsWith("job " + jobId + " (exec) is ");
    }

    @Test
    void anotherTenantsAgentIsNeitherListedNorCallable() {
        JsonNode acme = mcp.run(operatorKey, "list").get(0);
        JsonNode other = mcp.run(otherKey, "list").get(0);
        assertThat(acme.findValuesAsText("io.enginex/agentId"))
                .contains(acmeAgent)
                .doesNotContain(otherAgent);
        assertThat(other.findValuesAsText("io.enginex/agentId"))
                .contains(otherAgent)
                .doesNotContain(acmeAgent);

        JsonNode refused = mcp.run(operatorKey, "call", otherAgent + "__fs_list", "{\"path\":\".\"}")
                .get(0);

        assertThat(refused.path("error").path("message").asText())
                .as(refused.toString())
                .contains("no online agent of this tenant");
        assertThat(expect(200, api.get("/api/v1/tenants/other/sessions")).body())
                .as("nothing ran in tenant other")
                .isEmpty();
    }

    @Test
    void aViewerKeyListsButMayNotCallAndNoKeyIsRefused() {
        JsonNode list = mcp.run(viewerKey, "list").get(0);
        String name = tool(list, acmeAgent, "fs.list").path("name").asText();

        JsonNode call =
                mcp.run(viewerKey, "call", name, "{\"path\":\".\"}").get(0).path("result");

        assertThat(call.path("isError").asBoolean()).as(call.toString()).isTrue();
        assertThat(call.path("content").get(0).path("text").asText()).startsWith("forbidden:");
        HubApi.Response anonymous = api.withKey(null)
                .post("/mcp", Map.of("jsonrpc", "2.0", "id", 1, "method", "initialize", "params", Map.of()));
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.error().path("code").asText()).isEqualTo("unauthenticated");
    }
}
