package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Json;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.LocalPage;
import io.enginex.edge.e2e.support.OsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the person at the machine sees and controls, with the real hub and agent processes: the local
 * status page behind its secret, the pause switch the hub sees and enforces, and deregistration.
 */
class LocalControlE2EIT {
    private static final String USER = System.getProperty("user.name");

    @Test
    void thePageGuardsItselfPausingFromItRefusesJobsAtTheHubResumeRunsThemAndDeregisterRemovesTheAgent(
            @TempDir Path tmp) throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName() + "-page");
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            String session = api.createSession("acme", "local control");
            AgentProcess agent =
                    AgentProcess.of(tmp.resolve("agent-state"), Files.createDirectories(tmp.resolve("files")), logs);
            OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            try (AgentProcess running = agent.run()) {
                String agentId = Json.read(agent.stateDir().resolve("identity.json"))
                        .path("agentId")
                        .asText();
                JsonNode ui = Json.read(agent.stateDir().resolve("ui.json"));
                LocalPage page = new LocalPage(ui.path("port").asInt());
                String secret = ui.path("secret").asText();

                // The page needs the secret; a DNS-rebinding name is refused even with it.
                assertThat(page.get("/api/status", Map.of()).status()).isEqualTo(401);
                assertThat(page.get("/", Map.of()).body()).doesNotContain(agentId);
                assertThat(page.get(
                                        "/api/status",
                                        Map.of(
                                                "Host",
                                                "rebind.attacker.example:" + page.port(),
                                                "Authorization",
                                                "Bearer " + secret))
                                .status())
                        .isEqualTo(403);
                JsonNode status = Json.parse(page.get("/api/status", Map.of("Authorization", "Bearer " + secret))
                        .body());
                assertThat(status.path("status").path("agentId").asText()).isEqualTo(agentId);
                assertThat(running.process().output()).doesNotContain(secret);

                // The person signs in through enginex-agent ui's one-time link.
                OsProcess.Completed opened = agentCli(logs, "ui", "--no-browser", "--state-dir", agent.stateDir());
                assertThat(opened.exitCode()).as(opened.output()).isZero();
                Matcher link = Pattern.compile("http://127\\.0\\.0\\.1:\\d+(/login\\?code=\\S+)")
                        .matcher(opened.output());
                assertThat(link.find()).as(opened.output()).isTrue();
                LocalPage.Response login = page.get(link.group(1), Map.of());
                assertThat(login.status()).isEqualTo(303);
                String cookie = login.header("Set-Cookie").split(";")[0];
                assertThat(login.header("Set-Cookie")).contains("HttpOnly", "SameSite=Strict");
                String html = page.get("/", Map.of("Cookie", cookie)).body();
                assertThat(html).contains(agentId, "Pause local actions", hub.url());
                Matcher csrf =
                        Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"").matcher(html);
                assertThat(csrf.find()).isTrue();

                // A POST without the CSRF token changes nothing.
                assertThat(page.post("/pause", Map.of("Cookie", cookie), "").status())
                        .isEqualTo(403);
                assertThat(agentView(api, agentId).hasNonNull("paused")).isFalse();

                // Pausing from the page: the hub shows it and refuses new jobs with agent_paused.
                assertThat(page.post("/pause", Map.of("Cookie", cookie), "csrf=" + csrf.group(1))
                                .status())
                        .isEqualTo(303);
                await("the hub shows the agent paused")
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> agentView(api, agentId).hasNonNull("paused"));
                assertThat(agentView(api, agentId).path("paused").path("by").asText())
                        .isEqualTo(USER);
                JsonNode refused = expect(201, api.dispatch("acme", session, agentId, "sys.info", Map.of()))
                        .body();
                assertThat(refused.path("state").asText()).isEqualTo("failed");
                assertThat(refused.path("error").path("code").asText()).isEqualTo("agent_paused");
                assertThat(page.get("/", Map.of("Cookie", cookie)).body()).contains("Local actions are paused");

                OsProcess.Completed statusJson = agentCli(logs, "status", "--json", "--state-dir", agent.stateDir());
                JsonNode reported = Json.parse(statusJson.output().strip());
                assertThat(reported.path("status").path("paused").path("by").asText())
                        .isEqualTo(USER);
                assertThat(reported.path("status").path("update").path("mode").asText())
                        .isEqualTo("manual");
                assertThat(reported.path("status").path("update").path("detail").asText())
                        .contains("self-update is off");

                // Resume from the command line: jobs run again.
                OsProcess.Completed resumed = agentCli(logs, "resume", "--state-dir", agent.stateDir());
                assertThat(resumed.exitCode()).as(resumed.output()).isZero();
                await("the hub shows the agent resumed")
                        .atMost(Duration.ofSeconds(20))
                        .until(() -> !agentView(api, agentId).hasNonNull("paused"));
                String jobId = expect(201, api.dispatch("acme", session, agentId, "sys.info", Map.of()))
                        .body()
                        .path("id")
                        .asText();
                assertThat(api.awaitJob("acme", jobId).path("state").asText()).isEqualTo("succeeded");
                JsonNode audit = expect(200, api.get("/api/v1/tenants/acme/audit?type=agent.paused"))
                        .body();
                assertThat(audit.path("events")
                                .get(0)
                                .path("details")
                                .path("by")
                                .asText())
                        .isEqualTo(USER);
                assertThat(Files.readString(agent.stateDir().resolve("audit.jsonl")))
                        .contains("\"event\":\"paused\"", "\"event\":\"resumed\"", "\"via\":\"status page\"");

                // Deregister: the hub revokes and disconnects it, the running agent stops, its identity is gone.
                OsProcess.Completed deregistered = agentCli(logs, "deregister", "--state-dir", agent.stateDir());
                assertThat(deregistered.exitCode()).as(deregistered.output()).isZero();
                assertThat(deregistered.output()).contains("Deregistered agent " + agentId);
                assertThat(running.process().awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
                JsonNode view = agentView(api, agentId);
                assertThat(view.hasNonNull("deregisteredAt")).isTrue();
                assertThat(view.hasNonNull("revokedAt")).isTrue();
                assertThat(view.path("connected").asBoolean()).isFalse();
                assertThat(agent.stateDir().resolve("identity.json")).doesNotExist();
                assertThat(agent.stateDir().resolve("audit.jsonl")).exists();
            }
        }
    }

    @Test
    void deregisterWithoutTheHubKeepsTheIdentityUnlessForcedAndWipesTheVault(@TempDir Path tmp) throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName() + "-offline");
        AgentProcess agent;
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs)) {
            hub.api().createTenant("acme");
            agent = AgentProcess.of(tmp.resolve("agent-state"), Files.createDirectories(tmp.resolve("files")), logs);
            OsProcess.Completed registered = agent.register(hub, hub.api().createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
        }

        Path value = tmp.resolve("value.txt");
        Files.writeString(value, "offline-secret-value");
        OsProcess.Completed set =
                agentCli(logs, "secrets", "set", "erp-token", "--from-file", value, "--state-dir", agent.stateDir());
        assertThat(set.exitCode()).as(set.output()).isZero();

        OsProcess.Completed refused = agentCli(logs, "deregister", "--state-dir", agent.stateDir());
        assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
        assertThat(refused.output()).contains("cannot reach the hub", "--force", "Nothing was deleted");
        assertThat(agent.stateDir().resolve("identity.json")).exists();
        assertThat(agent.stateDir().resolve("vault.json")).exists();

        OsProcess.Completed forced = agentCli(logs, "deregister", "--force", "--state-dir", agent.stateDir());
        assertThat(forced.exitCode()).as(forced.output()).isZero();
        assertThat(forced.output()).contains("engine agents revoke --tenant acme", "wiped the vault");
        assertThat(agent.stateDir().resolve("identity.json")).doesNotExist();
        assertThat(agent.stateDir().resolve("vault.json")).doesNotExist();
        assertThat(Files.readString(agent.stateDir().resolve("audit.jsonl")))
                .contains("\"event\":\"vault.wiped\",\"by\":\"deregistration\"")
                .doesNotContain("offline-secret-value");

        OsProcess.Completed twice = agentCli(logs, "deregister", "--state-dir", agent.stateDir());
        assertThat(twice.exitCode()).as(twice.output()).isZero();
        assertThat(twice.output()).contains("nothing to deregister");
    }

    private static JsonNode agentView(HubApi api, String agentId) {
        return expect(200, api.get("/api/v1/tenants/acme/agents/" + agentId)).body();
    }

    private static OsProcess.Completed agentCli(Path logs, Object... args) {
        return OsProcess.run(
                Jvm.agentJar(),
                logs.resolve("agent-cli.log"),
                Map.of(),
                java.util.Arrays.stream(args).map(String::valueOf).toList());
    }
}
