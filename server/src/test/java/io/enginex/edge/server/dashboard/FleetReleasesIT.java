package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.common.update.Rollout;
import io.enginex.edge.server.testing.TestHub;
import io.enginex.edge.server.update.Expiries;
import io.enginex.edge.server.update.UpdateRepository;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet page shows each agent's rollout ring and the release channels' rollout. */
class FleetReleasesIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void publishThenStart() throws IOException {
        Path data = dir.resolve("hub");
        var repo = new UpdateRepository(UpdateRepository.dirOf(data), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
        repo.publish("stable", "1.4.0", Map.of("linux-x64", file), 20, List.of(repo.onlineKeysDir()));
        repo.pause("stable", true, List.of(repo.onlineKeysDir()));
        hub = TestHub.start(data);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void theFleetPageShowsTheRingOfEachAgentAndTheChannelsRollout() {
        String tenant = hub.newTenant();
        String agentId = hub.register(tenant).agentId();
        String page = hub.signedIn(tenant, "viewer").get("/ui/fleet").body();

        assertThat(page).contains("stable: 1.4.0 for rings 0–19 (20 %)").contains("paused");
        int ring = Rollout.bucket(agentId);
        assertThat(page).containsPattern("data-agent=\"" + agentId + "\"[\\s\\S]*?<td>" + ring + "</td>");
    }
}
