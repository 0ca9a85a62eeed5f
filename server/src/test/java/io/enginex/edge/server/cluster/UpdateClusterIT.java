package io.enginex.edge.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdateFailure;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.update.Expiries;
import io.enginex.edge.server.update.UpdateRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Updates with several nodes. A tenant's pin set through one node reaches its agents on another (the
 * {@code pin} signal). The automatic halt is the leader's: each node here has its own copy of the
 * repository (as an export makes them), so the copy that gets paused says which node halted; the
 * follower's copy stays as it was until the leader stops and the follower takes over.
 */
class UpdateClusterIT {
    private static final Consumer<io.enginex.edge.server.config.HubConfig.Builder> FAST_CHECKS =
            b -> b.rolloutCheck(Duration.ofMillis(200));

    @Test
    void aPinReachesAgentsOnAnotherNodeAndOnlyTheLeaderHaltsARollout(@TempDir Path dir) throws IOException {
        try (TestCluster cluster = new TestCluster(dir)) {
            Path firstUpdates = UpdateRepository.dirOf(cluster.dataDir("node-1"));
            var first = new UpdateRepository(firstUpdates, Clock.systemUTC());
            first.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
            Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
            first.publish("stable", "1.5.0", Map.of("linux-x64", file), List.of(first.onlineKeysDir()));
            TestHub leader = cluster.start("node-1", FAST_CHECKS);
            Path secondUpdates = UpdateRepository.dirOf(cluster.dataDir("node-2"));
            copy(firstUpdates, secondUpdates);
            var second = new UpdateRepository(secondUpdates, Clock.systemUTC());
            TestHub follower = cluster.start("node-2", FAST_CHECKS);
            assertThat(leader.hub().leads()).isTrue();
            assertThat(follower.hub().leads()).isFalse();

            String tenant = follower.newTenant();
            TestAgent agent = follower.register(tenant);
            try (AgentSocket socket = follower.connectReady(agent)) {
                socket.send(new UpdateReport(
                        socket.nextId(),
                        "1.4.0",
                        "stable",
                        "self",
                        UpdateReport.IDLE,
                        null,
                        null,
                        Instant.now(),
                        null));
                await().until(() -> follower.hub()
                        .connections()
                        .find(tenant, agent.agentId())
                        .map(c -> c.updateChannel() != null)
                        .orElse(false));
                var pinned = leader.api()
                        .post(
                                "/api/v1/tenants/" + tenant + "/update-pin",
                                leader.platformKey(),
                                Map.of("version", "1.5.0"));
                assertThat(pinned.status()).as(pinned.text()).isEqualTo(200);
                assertThat(socket.expect(ReleaseNotice.class).pin()).isEqualTo(new UpdatePin(null, "1.5.0"));

                socket.send(new UpdateReport(
                        socket.nextId(),
                        "1.4.0",
                        "stable",
                        "self",
                        UpdateReport.ROLLED_BACK,
                        null,
                        null,
                        Instant.now(),
                        new UpdateFailure("1.5.0", "crash loop", Instant.now())));

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> first.channelsIfAny().get(0).paused());
                assertThat(second.channelsIfAny().get(0).paused())
                        .as("the follower runs no halt of its own")
                        .isFalse();

                leader.close();

                await().atMost(Duration.ofSeconds(30))
                        .until(() -> follower.hub().leads());
                await().atMost(Duration.ofSeconds(20))
                        .until(() -> second.channelsIfAny().get(0).paused());
                assertThat(second.channelsIfAny().get(0).activeHalt().reason())
                        .contains("1 of 1 agents that tried 1.5.0");
            }
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path dest = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.copy(p, dest);
                }
            }
        }
    }
}
