package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.e2e.support.PluginJar;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant policy and plug-in tools end to end, with the real hub and the real agent as OS processes:
 * a tenant policy set through the API while the agent is connected narrows it at once (a call that
 * worked is refused blocked_by_policy naming the tenant policy, and the hub's agent view shows the
 * new effective tools and policy); a plug-in jar built during the test is offered, validated and run;
 * a broken one is reported and does not stop the agent.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TenantPolicyE2EIT {
    private static final String ECHO = """
            package acme;

            import com.fasterxml.jackson.databind.JsonNode;
            import com.fasterxml.jackson.databind.ObjectMapper;
            import io.enginex.edge.agent.tools.Tool;
            import io.enginex.edge.agent.tools.ToolContext;
            import io.enginex.edge.protocol.ToolDescriptor;

            public final class Echo implements Tool {
                private static final ObjectMapper JSON = new ObjectMapper();

                @Override
                public ToolDescriptor descriptor() {
                    try {
                        return new ToolDescriptor("acme.echo", "Echo", "Echoes its text, upper-cased.", JSON.readTree(
                                "{\\"type\\":\\"object\\",\\"properties\\":{\\"text\\":{\\"type\\":\\"string\\"}},"
                                + "\\"required\\":[\\"text\\"],\\"additionalProperties\\":false}"), "low");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }

                @Override
                public JsonNode call(JsonNode args, ToolContext context) {
                    return JSON.createObjectNode().put("echo", args.get("text").asText().toUpperCase());
                }
            }
            """;

    private HubProcess hub;
    private AgentProcess agent;
    private HubApi api;
    private String agentId;
    private String session;
    private Path logs;
    private Path policy;
    private Path plugins;
    private Path root;

    @BeforeAll
    void startHubAndAgent(@TempDir Path tmp) throws IOException {
        logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        api = hub.api();
        assertThat(hub.cli(
                                "tenants",
                                "create",
                                "acme",
                                "--data-dir",
                                hub.dataDir().toString())
                        .exitCode())
                .isZero();
        root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("q3.csv"), "region,total\nnorth,42\n");
        Path admin = Files.createDirectories(tmp.resolve("etc"));
        Files.setPosixFilePermissions(admin, PosixFilePermissions.fromString("rwxr-xr-x"));
        policy = admin.resolve("policy.json");
        Files.writeString(policy, """
                {"version":1,
                 "roots":[{"path":"%s","mode":"read"}],
                 "tools":["fs.list","fs.read","sys.info","acme.echo"]}
                """.formatted(root.toRealPath()));
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-r--r--"));
        plugins = Files.createDirectories(admin.resolve("plugins"));
        Files.setPosixFilePermissions(plugins, PosixFilePermissions.fromString("rwxr-xr-x"));
        PluginJar.build(plugins.resolve("acme-tools.jar"), Map.of("acme.Echo", ECHO), List.of("acme.Echo"));
        PluginJar.build(plugins.resolve("broken.jar"), Map.of(), List.of("acme.Missing"));
        for (String jar : List.of("acme-tools.jar", "broken.jar")) {
            Files.setPosixFilePermissions(plugins.resolve(jar), PosixFilePermissions.fromString("rw-r--r--"));
        }

        agent = AgentProcess.of(tmp.resolve("agent-state"), root, logs);
        OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        agent.run(List.of("--machine-policy", policy.toString(), "--plugins", plugins.toString()));
        agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> agentView().path("effectivePolicy").isObject());
        session = api.createSession("acme", "tenant policy");
    }

    @AfterAll
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private JsonNode agentView() {
        return expect(200, api.get("/api/v1/tenants/acme/agents/" + agentId)).body();
    }

    private static List<String> names(JsonNode tools) {
        return StreamSupport.stream(tools.spliterator(), false)
                .map(t -> t.path("name").asText())
                .toList();
    }

    private JsonNode run(String tool, Object args) {
        String id = expect(201, api.dispatch("acme", session, agentId, tool, args))
                .body()
                .path("id")
                .asText();
        return api.awaitJob("acme", id);
    }

    @Test
    void aTenantPolicySetWhileTheAgentIsConnectedNarrowsItAtOnce() {
        long pid = agent.process().pid();
        assertThat(run("fs.read", Map.of("path", "q3.csv")).path("state").asText())
                .isEqualTo("succeeded");
        assertThat(names(agentView().path("tools"))).contains("fs.read");

        JsonNode set = expect(
                        201,
                        api.post(
                                "/api/v1/tenants/acme/policies",
                                Map.of(
                                        "scope",
                                        "tenant",
                                        "policy",
                                        Map.of("version", 1, "tools", List.of("fs.list", "sys.info", "acme.echo")),
                                        "description",
                                        "no file contents leave the laptops")))
                .body();
        String policyId = set.path("id").asText();
        assertThat(set.path("pushedTo").asInt()).isEqualTo(1);

        await().atMost(Duration.ofSeconds(10))
                .until(() -> !names(agentView().path("tools")).contains("fs.read"));
        JsonNode view = agentView();
        assertThat(names(view.path("tools"))).contains("fs.list", "acme.echo");
        assertThat(view.path("effectivePolicy").path("tenantPolicy").asText()).contains(policyId);
        assertThat(view.path("effectivePolicy").path("blockedTools").toString())
                .contains("fs.read")
                .contains("tenant policy " + policyId);

        JsonNode refused = run("fs.read", Map.of("path", "q3.csv"));
        assertThat(refused.path("state").asText()).as(refused.toString()).isEqualTo("failed");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("blocked_by_policy");
        assertThat(refused.path("error").path("message").asText()).contains("tenant policy " + policyId);
        assertThat(run("fs.list", Map.of("path", ".")).path("state").asText()).isEqualTo("succeeded");
        assertThat(agent.process().pid()).as("the agent was not restarted").isEqualTo(pid);

        OsProcess.Completed show = OsProcess.run(
                Jvm.agentJar(),
                logs.resolve("policy-show.log"),
                Map.of(),
                List.of(
                        "policy",
                        "show",
                        "--state-dir",
                        agent.stateDir().toString(),
                        "--machine-policy",
                        policy.toString(),
                        "--plugins",
                        plugins.toString(),
                        "--root",
                        root.toString()));
        assertThat(show.exitCode()).as(show.output()).isZero();
        assertThat(show.output())
                .contains("Tenant policy:  tenant policy " + policyId + " (whole tenant)")
                .contains("received from " + hub.url().replaceAll("/$", ""))
                .contains("fs.read: the tool fs.read is not in the allowed tools of tenant policy " + policyId);

        expect(200, api.delete("/api/v1/tenants/acme/policies/" + policyId));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> names(agentView().path("tools")).contains("fs.read"));
        assertThat(run("fs.read", Map.of("path", "q3.csv")).path("state").asText())
                .isEqualTo("succeeded");
    }

    @Test
    void aPluginToolBuiltByTheCompanyRunsLikeABuiltInAndABrokenJarIsReported() throws IOException {
        JsonNode view = agentView();
        assertThat(names(view.path("tools"))).contains("acme.echo");
        assertThat(view.path("effectivePolicy").path("pluginProblems").toString())
                .contains("broken.jar")
                .contains("acme.Missing");

        JsonNode echoed = run("acme.echo", Map.of("text", "hello"));
        assertThat(echoed.path("state").asText()).as(echoed.toString()).isEqualTo("succeeded");
        assertThat(echoed.path("output").path("echo").asText()).isEqualTo("HELLO");

        JsonNode invalid = run("acme.echo", Map.of("txt", "hello"));
        assertThat(invalid.path("error").path("code").asText()).isEqualTo("invalid_arguments");

        assertThat(Files.readString(agent.stateDir().resolve("audit.jsonl")))
                .contains("\"tool\":\"acme.echo\"")
                .contains("invalid_arguments");
    }
}
