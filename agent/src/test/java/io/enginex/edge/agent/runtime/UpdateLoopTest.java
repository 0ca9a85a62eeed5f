package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.service.UpdateState;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.TufRepository;
import io.enginex.edge.agent.update.TufClient;
import io.enginex.edge.agent.update.UpdateConfig;
import io.enginex.edge.agent.update.Updater;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.protocol.Welcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The update loop's answer to the hub: a release notice of the followed channel brings the check
 * forward from its schedule (hours away here), and the tenant's pin from a welcome or a notice is kept
 * across restarts and followed. A managed-mode updater over a repository written in the test.
 */
class UpdateLoopTest {
    private static final UpdateConfig EVERY_SIX_HOURS =
            new UpdateConfig(null, null, "stable", Duration.ofHours(6), null, Duration.ofMinutes(5), 3);

    @TempDir
    Path tmp;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private TufRepository repo;

    @BeforeEach
    void publish() throws IOException {
        repo = new TufRepository(clock.instant());
        Files.createDirectories(tmp.resolve("trusted"));
        Files.write(tmp.resolve("trusted/root.json"), repo.rootFile(1));
        channel("stable", "1.1.0");
        channel("beta", "1.2.0");
        repo.publish();
    }

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    private void channel(String name, String version) {
        repo.addTarget(
                "releases/" + version + "/linux-x64/enginex-agent-" + version + ".jar",
                ("version " + version).getBytes(),
                TufJson.MAPPER
                        .createObjectNode()
                        .put("version", version)
                        .put("os", "linux")
                        .put("arch", "x64"));
        repo.addTarget(
                "channels/" + name + ".json",
                TufJson.canonical(new ChannelState(name, version, 100, false, List.of(version), List.of()).toJson()),
                TufJson.MAPPER.createObjectNode().put("channel", name));
    }

    private Updater updater() {
        TufClient tuf = new TufClient(tmp.resolve("trusted"), repo.source, clock, TufClient.Limits.DEFAULT);
        return new Updater(
                tuf,
                null,
                new Updater.Settings("stable", "linux-x64", Duration.ofMinutes(5), 3, 42),
                clock,
                "1.0.0",
                tmp.resolve("downloads"));
    }

    private UpdateLoop loop(Updater updater) {
        var mapper = MessageCodec.newMapper(FrameLimits.DEFAULT);
        var status = new StatusBoard(new StatusFile(tmp, mapper), clock, 1, "1.0.0", Runnable::run);
        var audit = new AuditLog(tmp, 1 << 20, 2, clock, mapper);
        UpdateState detected = UpdateState.detect("1.0.0", null, "Linux");
        UpdateLoop loop = UpdateLoop.of(updater, EVERY_SIX_HOURS, detected, status, audit, tmp.resolve("pin.json"));
        loop.start(scheduler, () -> 0, () -> {});
        return loop;
    }

    @Test
    void aReleaseNoticeOfTheFollowedChannelChecksWithinItsWindowInsteadOfOnTheSchedule() {
        Updater updater = updater();
        UpdateLoop loop = loop(updater);

        loop.noticed(new ReleaseNotice("h-1", "stable", "1.1.0", null, 50));

        await().atMost(Duration.ofSeconds(10))
                .until(() -> "1.1.0".equals(updater.report().available()));
    }

    @Test
    void aPackageInstallReplacesItselfOnlyWhenTheInstallerChoseSelfAndThenAdoptsItsOwnVersionFirst()
            throws IOException {
        Path opt = tmp.resolve("opt/enginex-agent");
        Files.createDirectories(opt.resolve("bin"));
        Files.writeString(opt.resolve("bin/enginex-agent"), "launcher");
        Files.createDirectories(opt.resolve("lib/app/lib"));
        Files.writeString(opt.resolve("lib/app/enginex-agent.jar"), "the packaged agent");
        String launcher = opt.resolve("bin/enginex-agent").toString();
        UpdateState deb = new UpdateState("package-manager", "deb", false, "1.0.0", null, null, "managed by deb");
        Path state = tmp.resolve("state");

        assertThat(UpdateLoop.home(EVERY_SIX_HOURS, deb, state, launcher))
                .as("auto: managed")
                .isNull();
        assertThat(UpdateLoop.home(EVERY_SIX_HOURS.orMode("managed"), deb, state, launcher))
                .isNull();
        var self = UpdateLoop.home(EVERY_SIX_HOURS.orMode("self"), deb, state, launcher);

        assertThat(self.home()).isEqualTo(state.resolve("releases").toAbsolutePath());
        assertThat(self.currentVersion()).isEqualTo("1.0.0");
        assertThat(Files.readString(self.current().resolve("enginex-agent.jar")))
                .isEqualTo("the packaged agent");
        assertThat(EVERY_SIX_HOURS.orMode("self").orMode("managed").mode())
                .as("the command line's choice wins over agent.conf's")
                .isEqualTo("self");
    }

    @Test
    void theRepositoryIsTheHubAddressTheAgentIsConnectedToNotTheFirst() {
        var hubs = io.enginex.edge.agent.transport.HubAddresses.parse(
                List.of("https://hub-1.example:8443", "https://hub-2.example:8443"));
        try (var hub = new io.enginex.edge.agent.transport.HubClient(
                hubs,
                io.enginex.edge.agent.transport.TrustSettings.system(),
                java.util.Map.of(),
                Duration.ofSeconds(5),
                MessageCodec.newMapper(FrameLimits.DEFAULT))) {
            assertThat(UpdateLoop.repositoryOf(hub)).hasToString("https://hub-1.example:8443/updates");

            hub.prefer(io.enginex.edge.agent.transport.HubTarget.of(hubs.all().get(1)));

            assertThat(UpdateLoop.repositoryOf(hub)).hasToString("https://hub-2.example:8443/updates");
        }
    }

    @Test
    void aPinFromTheWelcomeIsFollowedAndKeptForTheNextStartAndANoticeChangesIt() {
        Updater updater = updater();
        UpdateLoop loop = loop(updater);

        loop.welcomed(
                new Welcome("h-1", "1.0", "agt_1", "acme", 15_000, "hub-1", List.of(), new UpdatePin("beta", null)));

        await().atMost(Duration.ofSeconds(10)).until(() -> updater.channel().equals("beta"));
        Updater restarted = updater();
        loop(restarted);
        assertThat(restarted.channel()).as("the pin kept for the next start").isEqualTo("beta");

        loop.noticed(new ReleaseNotice("h-2", null, null, UpdatePin.NONE, 50));
        await().atMost(Duration.ofSeconds(10)).until(() -> updater.channel().equals("stable"));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "1.1.0".equals(updater.report().available()));
    }
}
