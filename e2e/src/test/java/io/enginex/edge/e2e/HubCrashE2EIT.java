package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentJournal;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.Signals;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the hub with SIGKILL while jobs are in flight, starts it again, and checks that every job
 * the API accepted completes, and that the agent ran each one exactly once.
 */
class HubCrashE2EIT {
    @TempDir
    Path tmp;

    @Test
    void everyAcceptedJobCompletesExactlyOnceAcrossAHubCrash() throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        Path root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        // A heartbeat longer than the freeze below: with the default 500 ms, the hub timed the frozen
        // agent out while a loaded machine was still creating the in-flight jobs, so some were never sent.
        try (HubProcess hub = HubProcess.start(tmp.resolve("hub"), logs, "--heartbeat", "15s");
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            assertThat(agent.register(hub, api.createRegistrationToken("acme")).exitCode())
                    .isZero();
            agent.run();
            String agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                    .body()
                    .get(0)
                    .path("id")
                    .asText();
            String session = api.createSession("acme", "crash");

            List<String> before = dispatch(api, session, agentId, 10);
            for (String id : before) {
                assertThat(api.awaitJob("acme", id).path("state").asText()).isEqualTo("succeeded");
            }

            // Freeze the agent so the next jobs are written and sent but not answered, then kill the
            // hub: these jobs are in flight in every sense when it dies.
            Signals.stop(agent.process().pid());
            List<String> inFlight = dispatch(api, session, agentId, 20);
            hub.kill();
            Signals.resume(agent.process().pid());

            hub.restart();
            HubApi after = hub.api();
            List<String> all = new ArrayList<>(before);
            all.addAll(inFlight);
            await("every job finished after the restart")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> all.stream()
                            .allMatch(id -> after.awaitJob("acme", id)
                                    .path("state")
                                    .asText()
                                    .equals("succeeded")));

            JsonNode jobs = expect(200, after.get("/api/v1/tenants/acme/sessions/" + session))
                    .body()
                    .path("jobs");
            assertThat(StreamSupport.stream(jobs.spliterator(), false)
                            .map(j -> j.path("id").asText())
                            .toList())
                    .containsExactlyInAnyOrderElementsOf(all);
            // Each in-flight job succeeded although its agent was frozen until the hub died, so its result
            // came over the new connection: it was delivered again after the restart. The hub counts a
            // delivery through its group commit without waiting, so the one sent just before the kill
            // may be missing from attempt; the redelivery is always counted.
            for (String id : inFlight) {
                assertThat(after.awaitJob("acme", id).path("attempt").asInt())
                        .as("job %s was delivered again after the restart", id)
                        .isGreaterThanOrEqualTo(1);
            }
            assertThat(AgentJournal.runsPerJob(agent.stateDir()))
                    .as("the agent ran every job exactly once")
                    .containsOnlyKeys(all)
                    .allSatisfy((id, runs) -> assertThat(runs).isEqualTo(1));
        }
    }

    private static List<String> dispatch(HubApi api, String session, String agentId, int count) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(expect(201, api.dispatch("acme", session, agentId, "fs.read", Map.of("path", "a.txt")))
                    .body()
                    .path("id")
                    .asText());
        }
        return ids;
    }
}
