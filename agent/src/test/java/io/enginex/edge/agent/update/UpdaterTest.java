package io.enginex.edge.agent.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.TufRepository;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.update.ChannelState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The updater from check to switch to health check, over a release home on disk and a repository
 * written in the test: each agent "process" is a new {@link Updater} with the running version, as a
 * restart by the service manager would make it.
 */
class UpdaterTest {
    private static final Updater.Settings SETTINGS =
            new Updater.Settings("stable", "linux-x64", Duration.ofMinutes(5), 3, 42);

    @TempDir
    Path tmp;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
    private TufRepository repo;
    private ReleaseHome home;

    @BeforeEach
    void installVersionOne() throws IOException {
        repo = new TufRepository(clock.instant());
        Files.createDirectories(tmp.resolve("trusted"));
        Files.write(tmp.resolve("trusted/root.json"), repo.rootFile(1));
        home = new ReleaseHome(tmp.resolve("home"));
        home.install("1.0.0", Files.writeString(tmp.resolve("v1.jar"), "version 1"));
        home.switchTo("1.0.0");
        release("1.0.0", false, List.of());
    }

    private void release(String version, boolean paused, List<String> withdrawn) {
        release(version, 100, paused, withdrawn);
    }

    private void release(String version, int percent, boolean paused, List<String> withdrawn) {
        String file = "enginex-agent-" + version + ".jar";
        repo.addTarget(
                "releases/" + version + "/linux-x64/" + file,
                ("version " + version).getBytes(),
                TufJson.MAPPER
                        .createObjectNode()
                        .put("version", version)
                        .put("os", "linux")
                        .put("arch", "x64"));
        ChannelState channel = new ChannelState("stable", version, percent, paused, List.of(version), withdrawn);
        repo.addTarget(
                "channels/stable.json",
                TufJson.canonical(channel.toJson()),
                TufJson.MAPPER.createObjectNode().put("channel", "stable"));
        repo.publish();
    }

    private Updater agent(String running) {
        TufClient tuf = new TufClient(tmp.resolve("trusted"), repo.source, clock, TufClient.Limits.DEFAULT);
        return new Updater(tuf, home, SETTINGS, clock, running, null);
    }

    private String installedText(String version) throws IOException {
        return Files.readString(home.versions().resolve(version).resolve(ReleaseHome.JAR));
    }

    @Test
    void aNewerVersionIsVerifiedInstalledBesideTheOldAndSwitchedTo() throws IOException {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");

        Optional<String> staged = v1.check();

        assertThat(staged).contains("1.1.0");
        assertThat(installedText("1.1.0")).isEqualTo("version 1.1.0");
        assertThat(home.currentVersion()).isEqualTo("1.0.0");
        v1.switchNow("1.1.0");
        assertThat(home.currentVersion()).isEqualTo("1.1.0");
        assertThat(installedText("1.0.0")).isEqualTo("version 1");

        Updater v2 = agent("1.1.0");
        assertThat(v2.onStart()).isEqualTo(Updater.Startup.CONTINUE);
        v2.onHelloAccepted();
        assertThat(home.readState().pending()).isNull();
        assertThat(home.readState().lastResult()).contains("health check passed");
    }

    @Test
    void theHealthWindowCountsFromTheNewVersionsStartNotFromTheSwitch() {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        v1.switchNow(v1.check().orElseThrow());
        // A restart slower than the whole window (a busy machine, a service manager's delay).
        clock.advance(Duration.ofMinutes(6));
        Updater v2 = agent("1.1.0");

        assertThat(v2.onStart()).isEqualTo(Updater.Startup.CONTINUE);
        assertThat(v2.healthExpired()).isFalse();
        assertThat(v2.onHelloAccepted()).isTrue();
        assertThat(home.currentVersion()).isEqualTo("1.1.0");
        assertThat(home.readState().refused()).doesNotContainKey("1.1.0");
    }

    @Test
    void aVersionThatGetsNoHelloAcceptedInTimeIsRolledBackAndRefused() {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        v1.switchNow(v1.check().orElseThrow());
        Updater v2 = agent("1.1.0");
        assertThat(v2.onStart()).isEqualTo(Updater.Startup.CONTINUE);
        assertThat(v2.healthExpired()).isFalse();

        clock.advance(Duration.ofMinutes(5));

        assertThat(v2.healthExpired()).isTrue();
        assertThat(home.currentVersion()).isEqualTo("1.0.0");
        assertThat(home.readState().refused()).containsKey("1.1.0");
        assertThat(home.readState().refused().get("1.1.0")).contains("no hello accepted within 300 s");
        // Back on 1.0.0, the refused version is not installed again.
        Updater back = agent("1.0.0");
        assertThat(back.onStart()).isEqualTo(Updater.Startup.CONTINUE);
        assertThat(back.check()).isEmpty();
        assertThat(back.report().result()).contains("was rolled back here");
    }

    @Test
    void aCrashLoopingVersionIsRolledBackAfterItsStarts() {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        v1.switchNow(v1.check().orElseThrow());

        for (int start = 1; start <= 3; start++) {
            assertThat(agent("1.1.0").onStart()).as("start %d", start).isEqualTo(Updater.Startup.CONTINUE);
            // ... and crashes before its hello is accepted; the service manager starts it again.
        }
        assertThat(agent("1.1.0").onStart()).isEqualTo(Updater.Startup.ROLLED_BACK);

        assertThat(home.currentVersion()).isEqualTo("1.0.0");
        assertThat(home.readState().refused().get("1.1.0")).contains("crash loop");
    }

    @Test
    void powerLossAfterTheStateWasWrittenButBeforeTheLinkMovedLeavesTheOldVersionRunning() throws IOException {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        v1.check().orElseThrow();
        // switchNow's first step, then the power fails: current still points at 1.0.0.
        home.writeState(home.readState()
                .withPending(new UpdaterState.Pending(
                        "1.1.0", "1.0.0", clock.instant(), clock.instant().plus(Duration.ofMinutes(5)), 0)));

        Updater restarted = agent(home.currentVersion());

        assertThat(restarted.onStart()).isEqualTo(Updater.Startup.CONTINUE);
        assertThat(home.currentVersion()).isEqualTo("1.0.0");
        assertThat(home.readState().pending()).isNull();
        assertThat(restarted.check()).contains("1.1.0");
    }

    @Test
    void powerLossDuringUnpackingLeavesNoHalfInstalledVersion() throws IOException {
        Files.createDirectories(home.versions().resolve(".1.1.0-123"));
        Files.writeString(home.versions().resolve(".1.1.0-123").resolve("half"), "x");
        release("1.1.0", false, List.of());

        assertThat(agent("1.0.0").check()).contains("1.1.0");
        assertThat(installedText("1.1.0")).isEqualTo("version 1.1.0");
    }

    @Test
    void aPausedChannelHoldsTheVersionAndAWithdrawnVersionGoesBack() {
        release("1.1.0", true, List.of());
        Updater v1 = agent("1.0.0");
        assertThat(v1.check()).isEmpty();
        assertThat(v1.report().result()).contains("paused");

        release("1.0.0", false, List.of("1.1.0"));
        home.install("1.1.0", writeQuietly("v11.jar", "version 1.1.0"));
        assertThat(agent("1.1.0").check()).contains("1.0.0");
        // Running 1.0.0 with the channel at 1.0.0 is up to date; no downgrade below a version never withdrawn.
        assertThat(agent("1.0.0").check()).isEmpty();
        assertThat(agent("1.2.0").check()).isEmpty();
    }

    @Test
    void aRolloutReachesThisAgentOnlyOnceItsPercentPassesTheAgentsBucket() {
        release("1.1.0", 42, false, List.of()); // bucket 42 is not below 42%
        Updater v1 = agent("1.0.0");
        assertThat(v1.check()).isEmpty();
        assertThat(v1.report().result()).contains("is at 42%", "bucket 42");

        release("1.1.0", 43, false, List.of());
        assertThat(v1.check()).contains("1.1.0");
    }

    @Test
    void expiredMetadataStopsUpdatesAndSaysWhyButThrowsOnlyToTheCaller() {
        release("1.1.0", false, List.of());
        clock.advance(Duration.ofDays(2));
        Updater v1 = agent("1.0.0");

        assertThatThrownBy(v1::check).isInstanceOf(Updater.CheckFailed.class).hasMessageContaining("updates stopped");
        assertThat(v1.report().result()).contains("expired");
        assertThat(home.currentVersion()).isEqualTo("1.0.0");
    }

    @Test
    void aCurrentThatIsNotALinkIsNoVersionAndADamagedStateIsATypedError() throws IOException {
        ReleaseHome plain = new ReleaseHome(Files.createDirectories(tmp.resolve("plain")));
        Files.createDirectories(plain.current());
        assertThat(plain.currentVersion()).isNull();

        Files.writeString(home.home().resolve("update-state.json"), "{not json");
        assertThatThrownBy(() -> agent("1.0.0")).isInstanceOf(io.enginex.edge.common.tuf.TufException.class);
    }

    @Test
    void managedModeOnlyReportsTheAvailableVersion() {
        release("1.1.0", false, List.of());
        TufClient tuf = new TufClient(tmp.resolve("trusted"), repo.source, clock, TufClient.Limits.DEFAULT);
        Updater managed = new Updater(tuf, null, SETTINGS, clock, "1.0.0", tmp.resolve("managed"));

        assertThat(managed.check()).isEmpty();

        assertThat(managed.report().available()).isEqualTo("1.1.0");
        assertThat(managed.report().result()).contains("does not replace itself (managed mode)");
        assertThat(home.installed("1.1.0")).isFalse();
    }

    @Test
    void aReleaseForAnotherPlatformOnlyIsNotInstalled() {
        TufClient tuf = new TufClient(tmp.resolve("trusted"), repo.source, clock, TufClient.Limits.DEFAULT);
        release("1.1.0", false, List.of());
        Updater arm = new Updater(
                tuf,
                home,
                new Updater.Settings("stable", "linux-arm64", Duration.ofMinutes(5), 3, 42),
                clock,
                "1.0.0",
                null);

        assertThat(arm.check()).isEmpty();
        assertThat(arm.report().result()).contains("no release for linux-arm64");
    }

    @Test
    void eachStepOfAnUpdateIsAStatusForTheHub() {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        List<String> steps = new java.util.ArrayList<>();
        v1.onStatus(s -> steps.add(s.state() + " " + s.target()));
        assertThat(v1.status().state()).isEqualTo("idle");
        assertThat(v1.status().mode()).isEqualTo("self");

        v1.switchNow(v1.check().orElseThrow());
        Updater v2 = agent("1.1.0");
        v2.onStatus(s -> steps.add(s.state() + " " + s.target()));
        v2.onStart();
        v2.onHelloAccepted();

        assertThat(steps)
                .containsExactly(
                        "downloading 1.1.0", "staged 1.1.0", "switching 1.1.0", "health-check 1.1.0", "idle null");
        assertThat(v2.status().failure()).isNull();
    }

    @Test
    void aRollbackIsReportedWithItsReasonByTheOldVersionAndThenAsARefusal() {
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        v1.switchNow(v1.check().orElseThrow());
        Updater v2 = agent("1.1.0");
        v2.onStart();
        clock.advance(Duration.ofMinutes(5));
        assertThat(v2.healthExpired()).isTrue();
        assertThat(v2.status().state()).isEqualTo("rolled-back");

        Updater back = agent("1.0.0");
        back.onStart();
        Updater.Status reported = back.status();

        assertThat(reported.state()).isEqualTo("rolled-back");
        assertThat(reported.failure().version()).isEqualTo("1.1.0");
        assertThat(reported.failure().reason()).contains("no hello accepted within 300 s", "rolled back to 1.0.0");
        assertThat(reported.failure().at()).isEqualTo(clock.instant());
        back.check();
        assertThat(back.status().state()).isEqualTo("refused");
        assertThat(back.status().target()).isEqualTo("1.1.0");
        assertThat(back.status().failure()).isEqualTo(reported.failure());
    }

    @Test
    void aDownloadThatFailsVerificationIsAFailureOfThatReleaseAndAnUnreachableHubIsNot() {
        release("1.1.0", false, List.of());
        String path = repo.source.targets.keySet().stream()
                .filter(k -> k.startsWith("releases/1.1.0/"))
                .findFirst()
                .orElseThrow();
        byte[] bytes = repo.source.targets.get(path).clone();
        bytes[0] ^= 1;
        repo.source.targets.put(path, bytes);
        Updater v1 = agent("1.0.0");

        assertThatThrownBy(v1::check).isInstanceOf(Updater.CheckFailed.class);

        assertThat(v1.status().state()).isEqualTo("failed");
        assertThat(v1.status().failure().version()).isEqualTo("1.1.0");
        assertThat(v1.status().failure().reason()).contains("hash");
        assertThat(agent("1.0.0").status().failure()).isEqualTo(v1.status().failure());

        repo.source.reachable = false;
        clock.advance(Duration.ofMinutes(1));
        assertThatThrownBy(v1::check).isInstanceOf(Updater.CheckFailed.class);
        assertThat(v1.status().state()).isEqualTo("failed");
        assertThat(v1.status().failure().version()).isNull();
        assertThat(v1.status().failure().reason()).contains("unreachable");
    }

    @Test
    void aManagedInstallReportsItsModeAndTheVersionAvailable() {
        release("1.1.0", false, List.of());
        TufClient tuf = new TufClient(tmp.resolve("trusted"), repo.source, clock, TufClient.Limits.DEFAULT);
        Updater managed = new Updater(tuf, null, SETTINGS, clock, "1.0.0", tmp.resolve("managed"));

        managed.check();

        assertThat(managed.status().mode()).isEqualTo("managed");
        assertThat(managed.status().state()).isEqualTo("idle");
        assertThat(managed.status().available()).isEqualTo("1.1.0");
        assertThat(managed.status().checkedAt()).isEqualTo(clock.instant());
    }

    @Test
    void aTenantsChannelPinIsFollowedAndAVersionPinHoldsThere() {
        release("1.2.0", false, List.of());
        String file = "enginex-agent-1.1.0.jar";
        repo.addTarget(
                "releases/1.1.0/linux-x64/" + file,
                "version 1.1.0".getBytes(),
                TufJson.MAPPER
                        .createObjectNode()
                        .put("version", "1.1.0")
                        .put("os", "linux")
                        .put("arch", "x64"));
        repo.addTarget(
                "channels/lts.json",
                TufJson.canonical(new ChannelState("lts", "1.1.0", 100, false, List.of("1.1.0"), List.of()).toJson()),
                TufJson.MAPPER.createObjectNode().put("channel", "lts"));
        repo.publish();
        Updater v1 = agent("1.0.0");

        v1.pin(new io.enginex.edge.protocol.UpdatePin("lts", null));
        assertThat(v1.channel()).isEqualTo("lts");
        assertThat(v1.check()).contains("1.1.0");

        v1.pin(new io.enginex.edge.protocol.UpdatePin(null, "1.1.0"));
        assertThat(v1.channel()).isEqualTo("stable");
        assertThat(v1.check()).contains("1.1.0");
        Updater v11 = agent("1.1.0");
        v11.pin(new io.enginex.edge.protocol.UpdatePin(null, "1.1.0"));
        assertThat(v11.check()).as("never past the pinned version").isEmpty();
        assertThat(v11.report().result()).contains("the version this tenant pins");

        v1.pin(io.enginex.edge.protocol.UpdatePin.NONE);
        assertThat(v1.check()).contains("1.2.0");
    }

    @Test
    void aVersionAdoptedFromThePackageIsWhereAFailedSwitchGoesBack() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("opt/lib/app"));
        Files.writeString(app.resolve(ReleaseHome.JAR), "packaged 1.0.0");
        home = new ReleaseHome(tmp.resolve("adopting"));
        home.adopt("1.0.0", app);
        home.adopt("1.0.0", app); // a second start changes nothing
        release("1.1.0", false, List.of());
        Updater v1 = agent("1.0.0");
        v1.switchNow(v1.check().orElseThrow());
        Updater v2 = agent("1.1.0");
        v2.onStart();
        clock.advance(Duration.ofMinutes(5));

        assertThat(v2.healthExpired()).isTrue();

        assertThat(home.currentVersion()).isEqualTo("1.0.0");
        assertThat(Files.readString(home.current().resolve(ReleaseHome.JAR))).isEqualTo("packaged 1.0.0");
    }

    private Path writeQuietly(String name, String text) {
        try {
            return Files.writeString(tmp.resolve(name), text);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
