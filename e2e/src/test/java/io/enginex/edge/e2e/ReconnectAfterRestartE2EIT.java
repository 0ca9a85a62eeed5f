package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.protocol.RestartNotice;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * After the hub's restart notice (close 1001 naming a reconnect window) the real agent comes back
 * within that window of the hub being up again, even with a backoff that had grown to its 5-minute
 * cap (the field report: one agent came back after 221 s).
 */
class ReconnectAfterRestartE2EIT {
    /** Scheduling and a JVM's first TLS handshake on a loaded machine, on top of the window. */
    private static final Duration MARGIN = Duration.ofSeconds(10);

    @TempDir
    Path tmp;

    @Test
    void theAgentIsBackWithinTheHubsReconnectWindow() throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        Path root = Files.createDirectories(tmp.resolve("files"));
        // A long heartbeat: with the 5-minute backoff, a first connection dropped as silent on a loaded
        // machine would otherwise end the test before the restart it is about.
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs, "--heartbeat", "15s");
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            // Every backoff window is the 5-minute cap: without the notice, the agent would wait up to 5 min.
            agent.run(List.of("--backoff-base", "5m", "--backoff-cap", "5m"));
            String agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                    .body()
                    .get(0)
                    .path("id")
                    .asText();

            hub.restart(); // SIGTERM: the hub closes every socket with its restart notice, then starts again
            HubApi after = hub.api();

            Duration window = RestartNotice.forFleet(1).reconnectWindow();
            await("the agent reconnects within the hub's window of " + window + " plus " + MARGIN)
                    .atMost(window.plus(MARGIN))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> expect(200, after.get("/api/v1/tenants/acme/agents/" + agentId))
                            .body()
                            .path("connected")
                            .asBoolean());
            assertThat(agent.process().output()).contains("reconnectWindowMs");
        }
    }
}
