package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.update.ReleaseHome;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.AgentReleases;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Json;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.e2e.support.Signals;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent process updates itself from a real hub: installed as 1.0.0 in a release home, it finds
 * 1.1.0 published with {@code engine release publish}, verifies it through the TUF repository,
 * installs it beside 1.0.0, switches, exits for a restart (75), and — started again from
 * {@code current}, as a service manager would — reconnects as 1.1.0 and passes its health check. Then
 * 1.2.0 is published and cannot get its hello accepted within the health window (the hub is frozen): it
 * is rolled back to 1.1.0 by itself and refused from then on.
 *
 * <p>One hub and update repository for the class; the managed agent is another tenant's and follows a
 * channel of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpdateE2EIT {
    @TempDir
    Path tmp;

    /**
     * The health window of a start that must pass: room for a JVM to start and connect on a loaded
     * machine (a passing check ends at the hello, so a long window costs nothing).
     */
    private static final String HEALTH_WINDOW = "60s";

    /**
     * The window of the one start that must fail (its hub is down), waited out in full: each start
     * takes the window given to it, so the test need not wait a window long enough for the others.
     */
    private static final String FAILING_WINDOW = "3s";

    private HubProcess hub;
    private OsProcess agent;
    private int starts;

    @BeforeAll
    void startHubWithARepository(@TempDir Path shared) {
        hub = HubProcess.start(shared.resolve("hub"), Jvm.freshLogs(getClass().getSimpleName() + "-hub"));
        hub.api().createTenant("acme");
        hub.api().createTenant("managed");
        engine(
                "release",
                "keys",
                "init",
                "--data-dir",
                hub.dataDir().toString(),
                "--offline",
                shared.resolve("offline").toString());
    }

    @AfterEach
    void stopAgent() {
        if (agent != null) {
            agent.stop();
            agent = null;
        }
    }

    @AfterAll
    void stopHub() {
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void theAgentUpdatesItselfPassesItsHealthCheckAndRollsBackAVersionThatFailsIt() throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        HubApi api = hub.api();
        String data = hub.dataDir().toString();
        Path releases = Files.createDirectories(tmp.resolve("releases"));
        // Packed in the background while the agent registers, starts and updates (each takes seconds).
        Map<String, CompletableFuture<Path>> built = new HashMap<>();
        for (String version : List.of("1.0.0", "1.1.0", "1.2.0")) {
            built.put(version, CompletableFuture.supplyAsync(() -> AgentReleases.build(version, releases)));
        }
        Path v1 = built.get("1.0.0").get();
        engine("release", "publish", "--data-dir", data, "--channel", "stable", "--version", "1.0.0", v1.toString());

        // The installer: version 1.0.0 in the release home, the repository's root pinned, the agent registered.
        ReleaseHome home = new ReleaseHome(tmp.resolve("home"));
        home.install("1.0.0", v1);
        home.switchTo("1.0.0");
        Path root = hub.dataDir().resolve("updates/metadata/1.root.json");
        AgentProcess registration =
                AgentProcess.of(tmp.resolve("state"), Files.createDirectories(tmp.resolve("files")), logs);
        OsProcess.Completed registered = registration.register(hub, api.createRegistrationToken("acme"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        String agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                .body()
                .get(0)
                .path("id")
                .asText();

        start(home, root, logs);
        awaitConnectedAs(api, agentId, "1.0.0");

        Path v11 = built.get("1.1.0").get();
        engine("release", "publish", "--data-dir", data, "--channel", "stable", "--version", "1.1.0", v11.toString());
        assertThat(agent.awaitExit(Duration.ofSeconds(120))).as(agent.tail()).isEqualTo(75);
        assertThat(home.currentVersion()).isEqualTo("1.1.0");
        start(home, root, logs);
        awaitConnectedAs(api, agentId, "1.1.0");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> updateState(home).path("pending").isMissingNode());
        assertThat(updateState(home).path("lastResult").asText()).contains("health check passed");

        Path v12 = built.get("1.2.0").get();
        engine("release", "publish", "--data-dir", data, "--channel", "stable", "--version", "1.2.0", v12.toString());
        assertThat(agent.awaitExit(Duration.ofSeconds(120))).as(agent.tail()).isEqualTo(75);
        assertThat(home.currentVersion()).isEqualTo("1.2.0");
        // 1.2.0 cannot get its hello accepted within its window: the hub is frozen (SIGSTOP), as unreachable
        // as a stopped one, and goes on afterwards without the seconds of a restart.
        long hubPid = hub.process().pid();
        Signals.stop(hubPid);
        try {
            start(home, root, logs, FAILING_WINDOW);
            await("1.2.0 rolled back by the agent itself")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> updateState(home).path("refused").has("1.2.0"));
        } finally {
            Signals.resume(hubPid);
        }
        assertThat(agent.awaitExit(Duration.ofSeconds(120))).as(agent.tail()).isEqualTo(75);
        assertThat(home.currentVersion()).isEqualTo("1.1.0");
        assertThat(updateState(home).path("refused").path("1.2.0").asText()).contains("no hello accepted within 3 s");

        start(home, root, logs);
        awaitConnectedAs(api, agentId, "1.1.0");
        agent.awaitOutput("was rolled back here", Duration.ofSeconds(60));
        assertThat(home.currentVersion()).isEqualTo("1.1.0");

        // The admin takes 1.1.0 back as well: agents running a withdrawn version go back to the channel's.
        engine("release", "rollback", "--data-dir", data, "--channel", "stable"); // 1.2.0 withdrawn, at 1.1.0
        engine("release", "rollback", "--data-dir", data, "--channel", "stable"); // 1.1.0 withdrawn, at 1.0.0
        assertThat(agent.awaitExit(Duration.ofSeconds(120))).as(agent.tail()).isEqualTo(75);
        assertThat(home.currentVersion()).isEqualTo("1.0.0");
        start(home, root, logs);
        awaitConnectedAs(api, agentId, "1.0.0");

        // Each step is in the agent's local audit trail.
        String audit = Files.readString(tmp.resolve("state/audit.jsonl"));
        assertThat(audit)
                .contains("\"event\":\"update.switched\",\"version\":\"1.1.0\"")
                .contains("\"event\":\"update.confirmed\",\"version\":\"1.1.0\"")
                .contains("\"event\":\"update.rolled_back\",\"version\":\"1.2.0\"")
                .contains("\"event\":\"update.switched\",\"version\":\"1.0.0\"");
    }

    @Test
    void inManagedModeTheAgentOnlyReportsTheAvailableVersion() throws IOException {
        Path logs = Jvm.freshLogs(getClass().getSimpleName() + "-managed");
        HubApi api = hub.api();
        String data = hub.dataDir().toString();
        Path release = Files.writeString(tmp.resolve("enginex-agent-9.0.0-linux-x64.tar.gz"), "not installed");
        engine(
                "release",
                "publish",
                "--data-dir",
                data,
                "--channel",
                "managed",
                "--version",
                "9.0.0",
                release.toString());
        AgentProcess managed = AgentProcess.of(
                tmp.resolve("managed-state"), Files.createDirectories(tmp.resolve("managed-files")), logs);
        OsProcess.Completed registered = managed.register(hub, api.createRegistrationToken("managed"));
        assertThat(registered.exitCode()).as(registered.output()).isZero();

        managed.run(List.of(
                "--update-root",
                hub.dataDir().resolve("updates/metadata/root.json").toString(),
                "--update-channel",
                "managed",
                "--update-every",
                "2s"));
        agent = managed.process();

        await().atMost(Duration.ofSeconds(60))
                .until(
                        () -> Json.read(tmp.resolve("managed-state/status.json"))
                                .path("update")
                                .path("available")
                                .asText(),
                        v -> v.equals("9.0.0"));
        JsonNode update = Json.read(tmp.resolve("managed-state/status.json")).path("update");
        assertThat(update.path("selfUpdate").asBoolean()).isFalse();
        assertThat(update.path("detail").asText()).contains("does not replace itself (managed mode)");
        assertThat(update.path("checkedAt").asText()).isNotEmpty();
    }

    private void engine(String... args) {
        OsProcess.Completed run = hub.cli(args);
        assertThat(run.exitCode())
                .as(String.join(" ", args) + "\n" + run.output())
                .isZero();
    }

    /** What a service manager does: start the agent from the release home's current version. */
    private void start(ReleaseHome home, Path root, Path logs) {
        start(home, root, logs, HEALTH_WINDOW);
    }

    /** A start with its own health window, which counts from this start (docs/UPDATE.md). */
    private void start(ReleaseHome home, Path root, Path logs, String healthWindow) {
        starts++;
        agent = OsProcess.startJar(
                "agent#" + starts,
                home.current().resolve("enginex-agent.jar"),
                logs.resolve("agent-" + starts + ".log"),
                Map.of(),
                List.of(
                        "run",
                        "--state-dir",
                        tmp.resolve("state").toString(),
                        "--root",
                        tmp.resolve("files").toString(),
                        "--no-ui",
                        "--backoff-base",
                        "100ms",
                        "--backoff-cap",
                        "1s",
                        "--log-level",
                        "debug",
                        "--update-root",
                        root.toString(),
                        "--update-home",
                        home.home().toString(),
                        "--update-every",
                        "2s",
                        "--health-window",
                        healthWindow));
    }

    private void awaitConnectedAs(HubApi api, String agentId, String version) {
        await("agent connected as " + version).atMost(Duration.ofSeconds(90)).until(() -> {
            JsonNode a = api.get("/api/v1/tenants/acme/agents/" + agentId).body();
            return a.path("connected").asBoolean()
                    && version.equals(a.path("agentVersion").asText());
        });
    }

    private static JsonNode updateState(ReleaseHome home) throws IOException {
        return Json.read(home.home().resolve("update-state.json"));
    }
}
