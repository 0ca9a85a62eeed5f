package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Enrolment without a token, with real processes: {@code enginex-agent register --server URL --tenant
 * acme} prints a code and its key fingerprint; while it waits, {@code identity show} shows the same
 * fingerprint, as do the hub's {@code engine devices show} and the tenant's queue ({@code engine devices
 * list --pending}); an admin approves it through the API with labels, the agent saves its identity,
 * rotates its device key ({@code identity rotate}) and connects with the new key.
 */
class DeviceEnrolmentE2EIT {
    private static final Pattern USER_CODE =
            Pattern.compile("\\b([BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4})\\b");
    private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

    @Test
    void agentRegisteredByAnApprovedCodeConnectsWithTheApprovedLabels(@TempDir Path tmp) throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            String admin = expect(201, api.post("/api/v1/tenants/acme/api-keys", Map.of("role", "admin")))
                    .body()
                    .path("key")
                    .asText();
            Path state = tmp.resolve("agent-state");
            Path root = Files.createDirectories(tmp.resolve("files"));

            try (OsProcess register = OsProcess.startJar(
                    "register",
                    Jvm.agentJar(),
                    logs.resolve("agent-register.log"),
                    Map.of(),
                    List.of(
                            "register",
                            "--server",
                            hub.url(),
                            "--pin",
                            hub.fingerprint(),
                            "--state-dir",
                            state.toString(),
                            "--tenant",
                            "acme"))) {
                register.awaitOutput("Waiting for approval", Duration.ofSeconds(60));
                Matcher code = USER_CODE.matcher(register.output());
                assertThat(code.find()).as(register.output()).isTrue();
                Matcher printed = FINGERPRINT.matcher(register.output());
                assertThat(printed.find()).as(register.output()).isTrue();
                String fingerprint = printed.group();

                OsProcess.Completed pendingShow = OsProcess.run(
                        Jvm.agentJar(),
                        logs.resolve("agent-identity-pending.log"),
                        Map.of(),
                        List.of("identity", "show", "--state-dir", state.toString()));
                OsProcess.Completed hubShow = hub.cli(
                        "devices",
                        "show",
                        code.group(1),
                        "--data-dir",
                        hub.dataDir().toString());
                OsProcess.Completed queue = hub.cli(
                        "devices",
                        "list",
                        "--pending",
                        "--tenant",
                        "acme",
                        "--data-dir",
                        hub.dataDir().toString());
                assertThat(pendingShow.exitCode()).as(pendingShow.output()).isZero();
                assertThat(pendingShow.output())
                        .contains("waiting for an admin to approve code " + code.group(1))
                        .contains(fingerprint);
                assertThat(hubShow.exitCode()).as(hubShow.output()).isZero();
                assertThat(hubShow.output())
                        .contains("Key         " + fingerprint)
                        .contains("Tenant      acme");
                assertThat(queue.exitCode()).as(queue.output()).isZero();
                assertThat(queue.output()).contains(code.group(1)).contains(fingerprint);

                HubApi asAdmin = api.withKey(admin);
                JsonNode shown = expect(200, asAdmin.get("/api/v1/device/" + code.group(1)))
                        .body();
                expect(
                        200,
                        asAdmin.post(
                                "/api/v1/device/" + code.group(1) + "/approve", Map.of("labels", List.of("finance"))));

                assertThat(register.awaitExit(Duration.ofSeconds(60)))
                        .as(register.output())
                        .isZero();
                assertThat(shown.path("keyFingerprint").asText()).isEqualTo(fingerprint);
                assertThat(shown.path("user").asText()).isEqualTo(System.getProperty("user.name"));
                assertThat(register.output()).contains("Registered as agt_");
            }

            OsProcess.Completed rotated = OsProcess.run(
                    Jvm.agentJar(),
                    logs.resolve("agent-rotate.log"),
                    Map.of(),
                    List.of("identity", "rotate", "--state-dir", state.toString()));
            assertThat(rotated.exitCode()).as(rotated.output()).isZero();
            assertThat(rotated.output()).contains("Key rotated: SHA256:");

            try (AgentProcess agent = AgentProcess.of(state, root, logs).run()) {
                JsonNode agents =
                        expect(200, api.get("/api/v1/tenants/acme/agents")).body();
                assertThat(agents).hasSize(1);
                assertThat(agents.get(0).path("labels").toString()).isEqualTo("[\"finance\"]");
                assertThat(agent.process().isAlive()).isTrue();
            }
        }
    }
}
