package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine jobs run} against a running hub says at once why a job waits, with the page to act on. */
class JobsRunCommandIT {
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

    /** Starts {@code engine jobs run …} on another thread; {@code err} shows what it says meanwhile. */
    static CompletableFuture<CommandRun> startRun(StringWriter err, String tenant, String agent, String timeout) {
        return CompletableFuture.supplyAsync(() -> CommandRun.run(
                err,
                "jobs",
                "run",
                "--tenant",
                tenant,
                "--agent",
                agent,
                "--tool",
                "fs.list",
                "--timeout",
                timeout,
                "--data-dir",
                dir.toString()));
    }

    @Test
    void aJobAwaitingApprovalIsAnnouncedWithItsApprovalPageAndTheRunGoesOnOnceApproved() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        var policy = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/policies",
                        hub.platformKey(),
                        Map.of("scope", "tenant", "policy", Map.of("approvalRequired", List.of("fs.list"))));
        assertThat(policy.status()).as(policy.text()).isEqualTo(201);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            await().until(() -> hub.hub().connections().isConnected(tenant, agent.agentId()));
            StringWriter err = new StringWriter();
            var run = startRun(err, tenant, agent.agentId(), "60s");

            await().until(() -> err.toString().contains("waits for a person's approval"));
            String said = err.toString();
            String jobId = said.replaceAll("(?s).*Job (job_\\w+) waits.*", "$1");
            assertThat(said)
                    .contains(hub.url() + "/ui/approvals/" + jobId)
                    .contains("engine jobs approve --tenant " + tenant + " " + jobId);
            assertThat(run).isNotDone();

            var approved = hub.api()
                    .post("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "/approve", hub.platformKey(), Map.of());
            assertThat(approved.status()).as(approved.text()).isEqualTo(200);
            Dispatch dispatch = socket.expect(Dispatch.class);
            socket.send(new Ack(socket.nextId(), dispatch.jobId()));
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("entries", 0),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));

            CommandRun done = run.join();
            assertThat(done.exitCode()).as(done.err()).isZero();
            assertThat(done.out()).contains("succeeded");
        }
    }

    @Test
    void aJobForAnOfflineAgentIsAnnouncedAtOnceWithTheAgentPage() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant); // never connects
        StringWriter err = new StringWriter();
        var run = startRun(err, tenant, agent.agentId(), "3s");

        await().until(() -> err.toString().contains("is offline"));
        assertThat(err.toString()).contains(hub.url() + "/ui/agents/" + agent.agentId());

        CommandRun done = run.join();
        assertThat(done.exitCode()).isEqualTo(1);
        assertThat(done.err()).contains("ended timed_out");
    }
}
