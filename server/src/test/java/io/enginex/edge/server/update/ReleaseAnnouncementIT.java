package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A release published while the hub runs is announced to the connected agents that follow its channel
 * (and report their updates), so they check at once instead of on their schedule; agents of another
 * channel are not told.
 */
class ReleaseAnnouncementIT {
    @TempDir
    Path dir;

    @Test
    void aPublishedReleaseIsAnnouncedToTheAgentsOfItsChannelOnly() throws IOException {
        var repo = new UpdateRepository(UpdateRepository.dirOf(dir), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
        List<Path> keys = List.of(repo.onlineKeysDir());
        repo.publish("stable", "1.4.0", Map.of("linux-x64", file), keys);
        repo.publish("beta", "1.5.0", Map.of("linux-x64", file), keys);
        try (TestHub hub = TestHub.start(dir)) {
            String tenant = hub.newTenant();
            TestAgent onStable = hub.register(tenant);
            TestAgent onBeta = hub.register(tenant);
            try (AgentSocket stable = following(hub, tenant, onStable, "stable");
                    AgentSocket beta = following(hub, tenant, onBeta, "beta")) {

                repo.publish("stable", "1.6.0", Map.of("linux-x64", file), 25, keys); // as engine release publish

                ReleaseNotice told = stable.expect(ReleaseNotice.class);
                assertThat(told.channel()).isEqualTo("stable");
                assertThat(told.version()).isEqualTo("1.6.0");
                assertThat(told.pin()).isNull();
                assertThat(told.spreadMillis()).isEqualTo(1_000);

                repo.publish("beta", "1.7.0", Map.of("linux-x64", file), keys);
                assertThat(beta.expect(ReleaseNotice.class).version())
                        .as("the beta agent's first notice is beta's, not stable's")
                        .isEqualTo("1.7.0");
            }
        }
    }

    private static AgentSocket following(TestHub hub, String tenant, TestAgent agent, String channel) {
        AgentSocket socket = hub.connectReady(agent);
        socket.send(new UpdateReport(
                socket.nextId(), "1.4.0", channel, "self", UpdateReport.IDLE, null, null, Instant.now(), null));
        await().until(() -> hub.hub()
                .connections()
                .find(tenant, agent.agentId())
                .map(c -> channel.equals(c.updateChannel()))
                .orElse(false));
        return socket;
    }
}
