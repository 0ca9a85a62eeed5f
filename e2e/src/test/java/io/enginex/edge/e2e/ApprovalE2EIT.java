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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Human approval end to end: the machine policy marks a command template approval-required; the real
 * agent announces it, the real hub holds the job in awaiting_approval until a person approves it
 * through the API, then the agent runs the command.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApprovalE2EIT {
    private HubProcess hub;
    private AgentProcess agent;
    private HubApi api;
    private String agentId;
    private String session;

    @BeforeAll
    void startHubAndAgent(@TempDir Path tmp) throws IOException {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
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
        Path root = Files.createDirectories(tmp.resolve("files"));
        Path policyDir = Files.createDirectories(tmp.resolve("policy"));
        Files.setPosixFilePermissions(policyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path policy = policyDir.resolve("policy.json");
        Files.writeString(policy, """
                {"version":1,
                 "roots":[{"path":"%s","mode":"write"}],
                 "tools":["fs.list","exec"],
                 "commands":[{"name":"greet","argv":["/bin/echo","hello","{who}"],
                              "params":{"who":{"pattern":"[a-z]+"}},"timeoutSeconds":10,
                              "approvalRequired":true}]}
                """.formatted(root.toRealPath()));
        Files.setPosixFilePermissions(policy, PosixFilePermissions.fromString("rw-r--r--"));

        agent = AgentProcess.of(tmp.resolve("agent-state"), root, logs);
        OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        agent.run(List.of("--machine-policy", policy.toString()));
        agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/tenants/acme/agents/" + agentId)
                        .body()
                        .path("connected")
                        .asBoolean());
        session = api.createSession("acme", "approvals");
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

    private String greet(String who) {
        JsonNode job = expect(
                        201,
                        api.dispatch(
                                "acme",
                                session,
                                agentId,
                                "exec",
                                Map.of("command", "greet", "params", Map.of("who", who))))
                .body();
        assertThat(job.path("state").asText()).isEqualTo("awaiting_approval");
        return job.path("id").asText();
    }

    @Test
    void aTemplateNeedingApprovalWaitsAndRunsOnceApproved() {
        String jobId = greet("world");
        assertThat(expect(200, api.get("/api/v1/tenants/acme/jobs?state=awaiting_approval"))
                        .body()
                        .findValuesAsText("id"))
                .contains(jobId);
        assertThat(expect(200, api.get("/api/v1/tenants/acme/jobs/" + jobId))
                        .body()
                        .path("attempt")
                        .asInt())
                .as("not sent before approval")
                .isZero();

        expect(200, api.post("/api/v1/tenants/acme/jobs/" + jobId + "/approve", Map.of("reason", "looks fine")));
        JsonNode done = api.awaitJob("acme", jobId);

        assertThat(done.path("state").asText()).as(done.toString()).isEqualTo("succeeded");
        assertThat(done.path("output").path("stdout").asText().strip()).isEqualTo("hello world");
        assertThat(done.path("approval").path("reason").asText()).isEqualTo("looks fine");
    }

    @Test
    void aDeniedTemplateNeverRuns() {
        String jobId = greet("nobody");

        JsonNode denied = expect(
                        200, api.post("/api/v1/tenants/acme/jobs/" + jobId + "/deny", Map.of("reason", "not today")))
                .body();

        assertThat(denied.path("state").asText()).isEqualTo("cancelled");
        assertThat(denied.path("error").path("code").asText()).isEqualTo("approval_denied");
        assertThat(denied.path("attempt").asInt()).isZero();
    }
}
