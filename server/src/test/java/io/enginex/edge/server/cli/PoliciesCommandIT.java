package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code engine policies set|delete} against a running hub: the counts printed are the agents really reached. */
class PoliciesCommandIT {
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

    static CommandRun engine(String... args) {
        return CommandRun.withDataDir(dir, args);
    }

    /** Connects the agent and waits until the hub has its advertisement (it pushes only to those). */
    private static AgentSocket advertised(String tenant, TestAgent agent) {
        AgentSocket socket = hub.connectReady(agent, "fs.list");
        socket.send(new Advertise(
                socket.nextId(),
                List.of(),
                "sha256:x",
                TestHub.MAPPER.createObjectNode().put("tenantPolicy", "none")));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                        .body()
                        .path("effectivePolicy")
                        .has("tenantPolicy"));
        return socket;
    }

    @Test
    void setSaysHowManyAgentsTheScopeMatchesAndHowManyItReachedAndWarnsWhenItMatchesNone(@TempDir Path files)
            throws Exception {
        String tenant = hub.newTenant();
        TestAgent online = hub.register(tenant); // label "test"
        hub.register(tenant); // label "test", never connects
        Path file = Files.writeString(files.resolve("p.json"), "{\"tools\":[\"fs.list\"]}");
        try (AgentSocket socket = advertised(tenant, online)) {
            var matching =
                    engine("policies", "set", "--tenant", tenant, "--scope", "label:test", "--file", file.toString());
            var typo =
                    engine("policies", "set", "--tenant", tenant, "--scope", "label:tset", "--file", file.toString());

            assertThat(matching.exitCode()).as(matching.err()).isZero();
            assertThat(matching.out())
                    .contains("the scope matches 2 agent(s); sent to 1 connected to this hub node")
                    .contains("1 not reached now");
            assertThat(matching.err()).doesNotContain("warning");
            assertThat(socket.expect(PolicyUpdate.class).tenantPolicies())
                    .singleElement()
                    .satisfies(p -> assertThat(p.scope()).isEqualTo("label:test"));
            assertThat(typo.exitCode()).as(typo.err()).isZero();
            assertThat(typo.err())
                    .contains("warning: scope label:tset matches no agent of tenant " + tenant)
                    .contains("engine agents list --tenant " + tenant);
            assertThat(typo.out()).contains("the scope matches 0 agent(s); sent to 0 connected");
        }
    }
}
