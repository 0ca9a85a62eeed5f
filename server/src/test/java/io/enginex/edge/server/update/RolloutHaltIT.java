package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.protocol.UpdateFailure;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic halt on a running hub: agents report a release failing in its ring, the hub halts the
 * channel by itself (signed, as engine release pause would), and the API and the fleet page show the
 * halt and why.
 */
class RolloutHaltIT {
    @TempDir
    Path dir;

    @Test
    void aRingWhoseFailureRatePassesTheThresholdIsHaltedAndTheHaltIsShownWithItsReason() throws IOException {
        Path data = dir.resolve("hub");
        var repo = new UpdateRepository(UpdateRepository.dirOf(data), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
        repo.publish("stable", "1.5.0", Map.of("linux-x64", file), List.of(repo.onlineKeysDir()));
        try (TestHub hub = TestHub.start(data, b -> b.rolloutCheck(Duration.ofMillis(200)), Clock.systemUTC())) {
            String tenant = hub.newTenant();
            TestAgent updated = hub.register(tenant);
            TestAgent failed = hub.register(tenant);
            try (AgentSocket u = hub.connectReady(updated);
                    AgentSocket f = hub.connectReady(failed)) {
                u.send(new UpdateReport(
                        u.nextId(), "1.5.0", "stable", "self", UpdateReport.IDLE, null, null, Instant.now(), null));
                f.send(new UpdateReport(
                        f.nextId(),
                        "1.4.0",
                        "stable",
                        "self",
                        UpdateReport.ROLLED_BACK,
                        null,
                        null,
                        Instant.now(),
                        new UpdateFailure("1.5.0", "no hello accepted within 300 s", Instant.now())));

                await().atMost(Duration.ofSeconds(20))
                        .until(() -> repo.channelsIfAny().get(0).paused());
            }

            ChannelState.Halt halt = repo.channelsIfAny().get(0).activeHalt();
            assertThat(halt.version()).isEqualTo("1.5.0");
            assertThat(halt.reason())
                    .isEqualTo("automatic halt: ring 1 (buckets 0-99): 1 of 2 agents that tried 1.5.0 failed (50 %),"
                            + " above the channel's threshold of 20 %");
            assertThat(Files.readString(repo.dir().resolve("release-log.jsonl")))
                    .contains("release.halted");

            JsonNode channel = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/releases", hub.tenantKey(tenant, "viewer"))
                    .body()
                    .path("channels")
                    .get(0);
            assertThat(channel.path("paused").asBoolean()).isTrue();
            assertThat(channel.path("halt").path("active").asBoolean()).isTrue();
            assertThat(channel.path("halt").path("reason").asText()).isEqualTo(halt.reason());
            JsonNode audit = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/audit?type=release.halted", hub.platformKey())
                    .body();
            assertThat(audit.path("events")).hasSize(1);
            assertThat(audit.path("events").get(0).path("target").path("id").asText())
                    .isEqualTo("stable");
            assertThat(audit.path("events")
                            .get(0)
                            .path("details")
                            .path("failed")
                            .asInt())
                    .isEqualTo(1);

            String page = hub.signedIn(tenant, "viewer").get("/ui/fleet").body();
            assertThat(page)
                    .contains("halted automatically")
                    .contains("1 of 2 agents that tried 1.5.0 failed (50 %), above the channel's threshold of 20 %");
        }
    }
}
