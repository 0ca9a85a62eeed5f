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
import io.enginex.edge.e2e.support.ProcFs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stopped agent leaves no command running: the real agent runs an {@code exec} template whose
 * background loop (a grandchild of the agent) appends to a file; after SIGTERM to the agent, and
 * after SIGKILL followed by a restart, the loop's whole process group is gone, the file stops
 * growing, and the hub shows the job interrupted only once that is so.
 */
class AgentStopE2EIT {
    private static final String WRITER = "while :; do date >> out.txt; sleep 0.1; done & echo $! > loop.pid; wait";

    @TempDir
    Path tmp;

    private HubProcess hub;
    private AgentProcess agent;
    private HubApi api;
    private Path root;
    private Path policy;
    private String agentId;
    private String session;

    @BeforeEach
    void startHubAndAgent() throws IOException {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        api = hub.api();
        api.createTenant("acme");
        root = Files.createDirectories(tmp.resolve("files"));
        Path policyDir = Files.createDirectories(tmp.resolve("policy"));
        Files.setPosixFilePermissions(policyDir, PosixFilePermissions.fromString("rwxr-xr-x"));
        policy = policyDir.resolve("policy.json");
        Files.writeString(policy, """
                {"version":1,
                 "roots":[{"path":"%s","mode":"write"}],
                 "tools":["exec"],
                 "commands":[{"name":"writer","argv":["/bin/sh","-c","%s"],"timeoutSeconds":300}]}
                """.formatted(root.toRealPath(), WRITER));
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
        session = api.createSession("acme", "stop");
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void sigtermEndsTheCommandsProcessGroupThenReportsTheJobInterrupted() throws Exception {
        String jobId = startWriter();
        long group = writerGroup();

        agent.process().terminate();

        JsonNode job = awaitInterrupted(jobId, group);
        assertThat(job.path("error").path("message").asText()).contains("agent stopped", "process tree was ended");
        assertThat(agent.process().awaitExit(Duration.ofSeconds(30)))
                .as("exit code after SIGTERM")
                .isIn(0, 143);
        assertThat(agent.process().output()).contains("job interrupted: the agent stopped");
    }

    @Test
    void afterSigkillTheNextStartEndsTheOrphanGroupBeforeTheHubHearsInterrupted() throws Exception {
        String jobId = startWriter();
        long group = writerGroup();

        agent.process().kill(); // SIGKILL: no shutdown hook runs
        awaitGrowing(root.resolve("out.txt")); // the command outlived the agent, as it would in the field
        assertThat(ProcFs.liveMembers(group)).isNotEmpty();

        agent.run(List.of("--machine-policy", policy.toString()));

        JsonNode job = awaitInterrupted(jobId, group);
        assertThat(job.path("error").path("message").asText()).contains("killed", "ended the job's process tree");
        assertThat(agent.process().output()).contains("job of a killed agent: its process tree was ended");
    }

    private String startWriter() {
        String jobId = expect(201, api.dispatch("acme", session, agentId, "exec", Map.of("command", "writer")))
                .body()
                .path("id")
                .asText();
        awaitGrowing(root.resolve("out.txt"));
        return jobId;
    }

    /** The process group of the loop; the command must not share the agent's. */
    private long writerGroup() throws IOException {
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(root.resolve("loop.pid")));
        long loop = Long.parseLong(Files.readString(root.resolve("loop.pid")).strip());
        long group = ProcFs.groupOf(loop).orElseThrow();
        assertThat(group)
                .as("the command runs in a process group of its own")
                .isNotEqualTo(ProcFs.groupOf(agent.process().pid()).orElseThrow());
        return group;
    }

    /**
     * Waits until the hub shows the job interrupted; at the moment it first does, nothing of the
     * command's group may be left, and the file must not grow any more.
     */
    private JsonNode awaitInterrupted(String jobId, long group) {
        JsonNode job = await("the hub shows job " + jobId + " interrupted")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .until(
                        () -> expect(200, api.get("/api/v1/tenants/acme/jobs/" + jobId))
                                .body(),
                        j -> j.path("error").path("code").asText().equals("interrupted"));
        assertThat(ProcFs.liveMembers(group))
                .as("processes of the command's group when the hub showed the job interrupted")
                .isEmpty();
        assertThat(job.path("state").asText()).isEqualTo("failed");
        assertStopsGrowing(root.resolve("out.txt"));
        return job;
    }

    private static void awaitGrowing(Path file) {
        long[] last = {-1};
        await(file + " grows")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(300)) // three writes of the loop apart
                .until(() -> {
                    long size = Files.exists(file) ? Files.size(file) : 0;
                    boolean grew = last[0] > 0 && size > last[0];
                    last[0] = size;
                    return grew;
                });
    }

    private static void assertStopsGrowing(Path file) {
        long[] last = {-1};
        await(file + " stops growing")
                .atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(300))
                .until(() -> {
                    long size = Files.size(file);
                    boolean same = size == last[0];
                    last[0] = size;
                    return same;
                });
    }
}
