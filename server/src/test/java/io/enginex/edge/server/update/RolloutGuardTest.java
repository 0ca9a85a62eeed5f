package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.common.update.Rollout;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestServices;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automatic halt's rule, over a real repository on disk and update reports given by the test:
 * failed over attempted per ring, above the channel's threshold, once per ring and release.
 */
class RolloutGuardTest {
    @TempDir
    Path tmp;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final List<AgentUpdate> reports = new ArrayList<>();
    private UpdateRepository repo;
    private RolloutGuard guard;
    private TestServices services;
    private int agents;

    /** The reports the test gives; only the rings query is used by the guard. */
    private final AgentUpdateStore store = new AgentUpdateStore() {
        @Override
        public void record(AgentUpdate report) {
            reports.add(report);
        }

        @Override
        public Optional<AgentUpdate> find(String tenantId, String agentId) {
            return Optional.empty();
        }

        @Override
        public List<AgentUpdate> list(String tenantId) {
            return List.of();
        }

        @Override
        public List<AgentUpdate> inRings(String channel, int fromRing, int toRing) {
            return reports.stream()
                    .filter(r -> r.channel().equals(channel) && r.ring() >= fromRing && r.ring() < toRing)
                    .toList();
        }
    };

    @BeforeEach
    void publish() throws IOException {
        repo = new UpdateRepository(tmp.resolve("updates"), clock);
        repo.init(tmp.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(tmp.resolve("agent.tar.gz"), "agent");
        repo.publish("stable", "1.5.0", Map.of("linux-x64", file), 50, keys());
        services = new TestServices(tmp.resolve("db"));
        guard = new RolloutGuard(repo, store, keys(), new RepeatedLog(clock, Duration.ofSeconds(60)), services.audit);
    }

    @AfterEach
    void close() {
        services.close();
    }

    private List<Path> keys() {
        return List.of(repo.onlineKeysDir());
    }

    /** An agent id whose bucket is in [from, to). */
    private String agentIn(int from, int to) {
        while (true) {
            String id = "agt_" + agents++;
            int b = Rollout.bucket(id);
            if (b >= from && b < to) {
                return id;
            }
        }
    }

    private void reported(int from, int to, String version, String target, String failedVersion) {
        reported("acme", from, to, version, target, failedVersion);
    }

    private void reported(String tenant, int from, int to, String version, String target, String failedVersion) {
        String id = agentIn(from, to);
        reports.add(new AgentUpdate(
                tenant,
                id,
                version,
                "stable",
                Rollout.bucket(id),
                "self",
                failedVersion != null ? "rolled-back" : "idle",
                target,
                null,
                clock.instant(),
                failedVersion == null
                        ? null
                        : new AgentUpdate.Failure(failedVersion, "no hello accepted within 300 s", clock.instant()),
                clock.instant()));
    }

    private ChannelState stable() {
        return repo.channels().get(0);
    }

    @Test
    void aRingAtOrBelowItsThresholdRunsOnAndOneAboveItIsHaltedWithItsNumbersAsTheReason() {
        for (int i = 0; i < 4; i++) {
            reported(0, 50, "1.5.0", null, null);
        }
        reported(0, 50, "1.4.0", null, "1.5.0"); // 1 of 5 = 20 %: not above
        reported(0, 50, "1.4.0", null, null); // has not tried 1.5.0
        reported(50, 100, "1.4.0", null, "1.5.0"); // outside the rollout's rings

        guard.run();
        assertThat(stable().paused()).isFalse();

        reported(0, 50, "1.4.0", "1.5.0", "1.5.0"); // 2 of 6 = 33 %
        guard.run();

        ChannelState.Halt halt = stable().activeHalt();
        assertThat(halt.ring()).isEqualTo(1);
        assertThat(halt.reason())
                .isEqualTo("automatic halt: ring 1 (buckets 0-49): 2 of 6 agents that tried 1.5.0 failed (33 %),"
                        + " above the channel's threshold of 20 %");
    }

    @Test
    void aHaltIsInThePlatformsTrailWithTheFleetsCountsAndInEachTenantsWithItsOwnOnly() {
        reported("acme", 0, 50, "1.5.0", null, null);
        reported("acme", 0, 50, "1.4.0", null, "1.5.0");
        reported("other", 0, 50, "1.5.0", null, null);
        reported("other", 50, 100, "1.4.0", null, null); // a later ring: halted too, nothing tried

        guard.run();

        assertThat(stable().activeHalt()).isNotNull();
        assertThat(services.events(null, "release.halted")).singleElement().satisfies(e -> {
            assertThat(e.actorType()).isEqualTo("system");
            assertThat(e.targetId()).isEqualTo("stable");
            assertThat(e.detailsJson()).contains("\"attempted\":3", "\"failed\":1", "\"version\":\"1.5.0\"");
        });
        assertThat(services.events("acme", "release.halted"))
                .singleElement()
                .satisfies(e -> assertThat(e.detailsJson()).contains("\"attempted\":2", "\"failed\":1", "\"ring\":1"));
        assertThat(services.events("other", "release.halted"))
                .singleElement()
                .satisfies(e -> assertThat(e.detailsJson()).contains("\"attempted\":1", "\"failed\":0"));

        guard.run();
        assertThat(services.events("acme", "release.halted")).hasSize(1);
    }

    @Test
    void aThresholdOfTheChannelIsUsedAndOneHundredNeverHalts() {
        reported(0, 50, "1.4.0", null, "1.5.0");
        repo.haltPercent("stable", 100);
        guard.run();
        assertThat(stable().paused()).isFalse();

        repo.haltPercent("stable", 99);
        guard.run();
        assertThat(stable().activeHalt()).isNotNull();
    }

    @Test
    void afterAnAdminResumesTheSameRingIsNotHaltedAgainButTheNextRingIs() {
        reported(0, 50, "1.4.0", null, "1.5.0");
        guard.run();
        repo.pause("stable", false, keys());

        guard.run();
        assertThat(stable().paused()).isFalse();

        repo.promote("stable", "1.5.0", 100, keys());
        reported(50, 100, "1.5.0", null, null);
        guard.run();
        assertThat(stable().paused()).isFalse();
        reported(50, 100, "1.4.0", null, "1.5.0");
        guard.run();
        assertThat(stable().activeHalt().ring()).isEqualTo(2);
    }

    @Test
    void withoutTheTargetsKeyTheHaltIsOnlyLoggedAndTheGuardGoesOn() throws IOException {
        Files.move(repo.onlineKeysDir().resolve("targets.key"), tmp.resolve("targets.key"));
        reported(0, 50, "1.4.0", null, "1.5.0");

        guard.run();

        assertThat(stable().paused()).isFalse();
    }
}
