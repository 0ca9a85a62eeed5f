package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.tuf.RoleKeys;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.server.testing.FakeClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UpdateRepositoryTest {
    @TempDir
    Path tmp;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
    private UpdateRepository repo;
    private Path offline;
    private Path artifact;

    @BeforeEach
    void init() throws IOException {
        repo = new UpdateRepository(tmp.resolve("updates"), clock);
        offline = tmp.resolve("offline");
        repo.init(offline, 3, 2, Expiries.DEFAULT);
        artifact = Files.writeString(tmp.resolve("agent.tar.gz"), "agent bytes");
    }

    private JsonNode metadata(String name) throws IOException {
        return TufJson.parse(Files.readAllBytes(repo.metadataDir().resolve(name)), name);
    }

    private List<Path> keys() {
        return List.of(repo.onlineKeysDir());
    }

    @Test
    void initWritesVersionOneOfEveryRoleSignedByTheKeysTheRootNames() throws IOException {
        JsonNode root = metadata("1.root.json");
        assertThat(root.path("signed").path("consistent_snapshot").asBoolean()).isTrue();
        RoleKeys rootKeys = RoleKeys.of(root.path("signed"), "root");
        assertThat(rootKeys.threshold()).isEqualTo(2);
        assertThat(rootKeys.validSignatures(root)).isEqualTo(3);
        for (String role : List.of("targets", "snapshot")) {
            RoleKeys.of(root.path("signed"), role).verify(metadata("1." + role + ".json"), role);
        }
        RoleKeys.of(root.path("signed"), "timestamp").verify(metadata("timestamp.json"), "timestamp");
        try (var files = Files.list(offline)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted())
                    .containsExactly("root-1.key", "root-2.key", "root-3.key");
        }
        assertThat(Files.exists(repo.onlineKeysDir().resolve("root-1.key"))).isFalse();
    }

    @Test
    void aSecondInitIsRefused() {
        assertThatThrownBy(() -> repo.init(tmp.resolve("other"), 3, 2, Expiries.DEFAULT))
                .isInstanceOf(ReleaseException.class)
                .hasMessageContaining("exists already");
    }

    @Test
    void aThresholdAboveTheKeyCountIsRefused() {
        var fresh = new UpdateRepository(tmp.resolve("u2"), clock);
        assertThatThrownBy(() -> fresh.init(tmp.resolve("o2"), 2, 3, Expiries.DEFAULT))
                .hasMessageContaining("at most the number of root keys");
    }

    @Test
    void publishAddsTheFileAsAHashedTargetAndPointsTheChannelAtIt() throws IOException {
        ChannelState stable = repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), keys());

        assertThat(stable.version()).isEqualTo("1.0.0");
        JsonNode timestamp = metadata("timestamp.json");
        assertThat(timestamp.path("signed").path("version").asInt()).isEqualTo(2);
        JsonNode targets = metadata("2.targets.json").path("signed").path("targets");
        JsonNode target = targets.path("releases/1.0.0/linux-x64/agent.tar.gz");
        String sha = target.path("hashes").path("sha256").asText();
        assertThat(sha).isEqualTo(TufJson.sha256(Files.readAllBytes(artifact)));
        assertThat(Files.readString(repo.targetsDir().resolve("releases/1.0.0/linux-x64/" + sha + ".agent.tar.gz")))
                .isEqualTo("agent bytes");
        assertThat(targets.has("channels/stable.json")).isTrue();
        // The snapshot the timestamp names is the one on disk, byte for byte.
        byte[] snapshot = Files.readAllBytes(repo.metadataDir().resolve("2.snapshot.json"));
        assertThat(timestamp
                        .path("signed")
                        .path("meta")
                        .path("snapshot.json")
                        .path("hashes")
                        .path("sha256")
                        .asText())
                .isEqualTo(TufJson.sha256(snapshot));
    }

    @Test
    void aVersionIsPublishedOnceAndPromoteOnlyMovesForward() {
        repo.publish("beta", "1.1.0", Map.of("linux-x64", artifact), keys());
        assertThatThrownBy(() -> repo.publish("stable", "1.1.0", Map.of("linux-x64", artifact), keys()))
                .hasMessageContaining("published already");
        repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), keys());
        assertThat(repo.promote("stable", "1.1.0", keys()).version()).isEqualTo("1.1.0");
        assertThatThrownBy(() -> repo.promote("stable", "1.0.0", keys())).hasMessageContaining("newer version only");
        assertThatThrownBy(() -> repo.promote("stable", "9.9.9", keys())).hasMessageContaining("not published");
    }

    @Test
    void aRolloutStartsWithARingAndOnlyWidens() {
        assertThat(repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), 5, keys())
                        .percent())
                .isEqualTo(5);
        assertThat(repo.promote("stable", "1.0.0", 50, keys()).percent()).isEqualTo(50);
        assertThatThrownBy(() -> repo.promote("stable", "1.0.0", 20, keys())).hasMessageContaining("only widens");
        assertThatThrownBy(() -> repo.promote("stable", "1.0.0", 101, keys())).hasMessageContaining("1 to 100");
        assertThat(repo.channels().get(0).percent()).isEqualTo(50);
    }

    @Test
    void rollbackWithdrawsTheCurrentVersionAndPauseHoldsTheChannel() {
        repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), keys());
        repo.publish("stable", "1.1.0", Map.of("linux-x64", artifact), keys());

        ChannelState back = repo.rollback("stable", keys());

        assertThat(back.version()).isEqualTo("1.0.0");
        assertThat(back.withdrawn()).containsExactly("1.1.0");
        assertThatThrownBy(() -> repo.rollback("stable", keys())).hasMessageContaining("no earlier version");
        assertThat(repo.pause("stable", true, keys()).paused()).isTrue();
        assertThatThrownBy(() -> repo.pause("stable", true, keys())).hasMessageContaining("paused already");
        assertThat(repo.channels()).extracting(ChannelState::paused).containsExactly(true);
        assertThatThrownBy(() -> repo.pause("nightly", true, keys()))
                .hasMessageContaining("there is no channel nightly");
    }

    @Test
    void aRolloutKeepsItsRingsAndANewVersionStartsThemOver() {
        repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), 5, keys());
        repo.promote("stable", "1.0.0", 25, keys());
        ChannelState all = repo.promote("stable", "1.0.0", keys());

        assertThat(all.rings()).containsExactly(5, 25, 100);
        assertThat(all.ringList())
                .extracting(ChannelState.Ring::describe)
                .containsExactly("ring 1 (buckets 0-4)", "ring 2 (buckets 5-24)", "ring 3 (buckets 25-99)");
        assertThat(repo.publish("stable", "1.1.0", Map.of("linux-x64", artifact), 10, keys())
                        .rings())
                .containsExactly(10);
        assertThat(repo.channels().get(0).rings()).containsExactly(10);
    }

    @Test
    void theHubHaltsARingOnceSignedWithItsReasonAndAResumeKeepsTheRecord() throws IOException {
        repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), 5, keys());

        ChannelState halted = repo.halt("stable", "1.0.0", 1, "ring 1: 2 of 3 failed – 66 %", keys())
                .orElseThrow();

        assertThat(halted.paused()).isTrue();
        assertThat(halted.activeHalt().reason()).isEqualTo("ring 1: 2 of 3 failed ? 66 %");
        assertThat(halted.activeHalt().at()).isEqualTo(clock.instant());
        assertThat(repo.channels().get(0).activeHalt()).isEqualTo(halted.halt());
        assertThat(Files.readString(repo.dir().resolve("release-log.jsonl")))
                .contains("\"action\":\"release.halted\"", "ring 1: 2 of 3 failed");
        // Paused already, or halted for that ring before (an admin resumed since): no second halt.
        assertThat(repo.halt("stable", "1.0.0", 1, "again", keys())).isEmpty();
        ChannelState resumed = repo.pause("stable", false, keys());
        assertThat(resumed.activeHalt()).isNull();
        assertThat(resumed.halt()).isEqualTo(halted.halt());
        assertThat(repo.halt("stable", "1.0.0", 1, "again", keys())).isEmpty();
        // A wider ring is watched anew; a version the channel no longer points at is not halted.
        repo.promote("stable", "1.0.0", 50, keys());
        assertThat(repo.halt("stable", "1.0.0", 2, "ring 2 failed", keys())).isPresent();
        assertThat(repo.halt("stable", "0.9.0", 3, "old", keys())).isEmpty();
    }

    @Test
    void theHaltThresholdIsSetPerChannelWithADefault() {
        assertThat(repo.haltPercent("stable")).isEqualTo(UpdateRepository.DEFAULT_HALT_PERCENT);

        repo.haltPercent("beta", 50);

        assertThat(repo.haltPercent("beta")).isEqualTo(50);
        assertThat(repo.haltPercent("stable")).isEqualTo(20);
        assertThatThrownBy(() -> repo.haltPercent("beta", 101)).hasMessageContaining("0 to 100");
        // repository.json keeps the role lifetimes beside the thresholds.
        clock.advance(Duration.ofHours(13));
        assertThat(repo.refresh(keys())).contains("timestamp");
    }

    @Test
    void badNamesAndPlatformsAreRefusedWithTheFix() {
        assertThatThrownBy(() -> repo.publish("Stable!", "1.0.0", Map.of("linux-x64", artifact), keys()))
                .hasMessageContaining("not a channel name");
        assertThatThrownBy(() -> repo.publish("stable", "1.0", Map.of("linux-x64", artifact), keys()))
                .hasMessageContaining("MAJOR.MINOR.PATCH");
        assertThatThrownBy(() -> repo.publish("stable", "1.0.0", Map.of("solaris-sparc", artifact), keys()))
                .hasMessageContaining("OS-ARCH");
    }

    @Test
    void publishingWithoutTheTargetsKeyNamesTheKeyToBring() throws IOException {
        Path away = Files.createDirectories(tmp.resolve("release-engineer"));
        Files.move(repo.onlineKeysDir().resolve("targets.key"), away.resolve("targets.key"));

        assertThatThrownBy(() -> repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), keys()))
                .hasMessageContaining("no targets key")
                .hasMessageContaining("--keys");
        assertThat(repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), List.of(away, repo.onlineKeysDir()))
                        .version())
                .isEqualTo("1.0.0");
    }

    @Test
    void aTargetsKeyKeptOffTheHubIsNeededToPublishAndTheHubCannotSignTargets() {
        var offHub = new UpdateRepository(tmp.resolve("u3"), clock);
        Path release = tmp.resolve("release-engineer");
        offHub.init(tmp.resolve("o3"), 3, 2, Expiries.DEFAULT, release);

        assertThat(offHub.onlineKeysDir().resolve("targets.key")).doesNotExist();
        assertThatThrownBy(() -> offHub.publish(
                        "stable", "1.0.0", Map.of("linux-x64", artifact), List.of(offHub.onlineKeysDir())))
                .hasMessageContaining("no targets key");
        clock.advance(Duration.ofDays(60));
        // The hub's refresh signs snapshot and timestamp again, never targets.
        assertThat(offHub.refresh(List.of(offHub.onlineKeysDir()))).containsExactly("snapshot", "timestamp");
        assertThat(offHub.publish(
                                "stable",
                                "1.0.0",
                                Map.of("linux-x64", artifact),
                                List.of(release, offHub.onlineKeysDir()))
                        .version())
                .isEqualTo("1.0.0");
    }

    @Test
    void refreshSignsTimestampAgainOnceHalfItsTimeIsGoneAndSnapshotAfterHalfOfItsOwn() throws IOException {
        assertThat(repo.refresh(keys())).isEmpty();
        clock.advance(Duration.ofHours(13));
        assertThat(repo.refresh(keys())).containsExactly("timestamp");
        assertThat(repo.refresh(keys())).isEmpty();
        clock.advance(Duration.ofDays(4));
        assertThat(repo.refresh(keys())).containsExactly("snapshot", "timestamp");
        JsonNode timestamp = metadata("timestamp.json").path("signed");
        assertThat(TufJson.time(timestamp.path("expires").asText(), "t")).isAfter(clock.instant());
    }

    @Test
    void rotatingRootNeedsTheThresholdOfTheOldKeys() throws IOException {
        Path one = Files.createDirectories(tmp.resolve("one-key"));
        Files.copy(offline.resolve("root-1.key"), one.resolve("root-1.key"));
        assertThatThrownBy(() -> repo.rotateRoot(one, tmp.resolve("new"), 3, 2))
                .hasMessageContaining("holds 1 of the current root keys")
                .hasMessageContaining("needs 2");

        int version = repo.rotateRoot(offline, tmp.resolve("new"), 3, 2);

        JsonNode v1 = metadata("1.root.json").path("signed");
        JsonNode v2 = metadata("2.root.json");
        assertThat(version).isEqualTo(2);
        RoleKeys.of(v1, "root").verify(v2, "2.root.json");
        RoleKeys.of(v2.path("signed"), "root").verify(v2, "2.root.json");
        assertThat(RoleKeys.of(v2.path("signed"), "root").keyIds())
                .doesNotContainAnyElementsOf(RoleKeys.of(v1, "root").keyIds());
        // The old offline keys can no longer sign a root.
        assertThatThrownBy(() -> repo.renewRoot(offline)).hasMessageContaining("holds 0 of the current root keys");
    }

    @Test
    void rotatingAnOnlineKeyNamesTheNewKeyInANewRootAndSignsWithIt() throws IOException {
        String before = RoleKeys.of(metadata("1.root.json").path("signed"), "snapshot")
                .keyIds()
                .get(0);

        repo.rotateOnline("snapshot", offline, keys());

        JsonNode root = metadata("2.root.json").path("signed");
        RoleKeys snapshot = RoleKeys.of(root, "snapshot");
        assertThat(snapshot.keyIds()).doesNotContain(before);
        snapshot.verify(metadata("2.snapshot.json"), "2.snapshot.json");
        assertThat(root.path("keys").has(before)).isFalse();
        assertThatThrownBy(() -> repo.rotateOnline("root", offline, keys())).hasMessageContaining("not an online role");
    }

    @Test
    void exportCopiesMetadataAndTargetsButNoKeys() throws IOException {
        repo.publish("stable", "1.0.0", Map.of("linux-x64", artifact), keys());
        Path to = tmp.resolve("mirror");

        repo.export(to);

        assertThat(to.resolve("metadata/timestamp.json")).exists();
        assertThat(to.resolve("metadata/1.root.json")).exists();
        assertThat(to.resolve("keys")).doesNotExist();
        try (var files = Files.walk(to)) {
            assertThat(files.map(Path::toString)).noneMatch(p -> p.endsWith(".key"));
        }
    }
}
