package io.enginex.edge.agent.update;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.protocol.UpdatePin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * The agent's updater: checks the signed repository ({@link TufClient}), decides ({@link Decision}),
 * downloads and verifies, installs side by side ({@link ReleaseHome}) and switches; then holds the new
 * version to its health check (a {@code hello} accepted within {@link Settings#healthWindow} of a
 * start, in at most {@link Settings#maxStarts} starts) and rolls back to the previous version when it fails,
 * refusing the bad version from then on.
 *
 * <p>In managed mode (no release home: a package manager installed the agent) it only checks and
 * reports the available version. A check that fails (expired metadata, an attack, the hub unreachable)
 * is reported and retried later; it never stops the agent. Thread-safe: calls are serialised.
 */
public final class Updater {
    /**
     * @param channel the release channel this agent follows
     * @param platform {@code os-arch} of this machine, e.g. {@code linux-x64}
     * @param healthWindow how long a new version has to get a {@code hello} accepted
     * @param maxStarts how many starts a new version gets before it counts as crash-looping
     * @param bucket this agent's rollout bucket, 0–99 ({@link Decision#bucket})
     */
    public record Settings(String channel, String platform, Duration healthWindow, int maxStarts, int bucket) {
        public Settings {
            ChannelState.checkName(channel);
            if (bucket < 0 || bucket > 99) {
                throw new IllegalArgumentException("a rollout bucket is 0-99, not " + bucket);
            }
        }
    }

    /** What {@link #onStart} found. */
    public enum Startup {
        /** Run on. */
        CONTINUE,
        /** The new version failed its health check; {@code current} points back: restart now. */
        ROLLED_BACK
    }

    /** The last check, for {@code status}: the version available (or null) and one sentence. */
    public record Report(String available, Instant checkedAt, String result, Map<String, String> refused) {}

    /**
     * What the agent reports to the hub (protocol frame {@code update}).
     *
     * @param mode {@code self} or {@code managed}
     * @param state {@code idle}, {@code downloading}, {@code staged}, {@code switching}, {@code
     *     health-check}, {@code rolled-back}, {@code refused} or {@code failed}
     * @param target the version being installed or refused, or null
     * @param available the version a managed install reports available, or null
     * @param checkedAt the last check, or null
     * @param failure the last failed update, or null
     */
    public record Status(
            String mode,
            String state,
            String target,
            String available,
            Instant checkedAt,
            UpdaterState.Failure failure) {}

    private final TufClient tuf;
    private final ReleaseHome home;
    private final Settings settings;
    private final Clock clock;
    private final String running;
    private final Path downloads;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Report report;
    private volatile UpdatePin pin = UpdatePin.NONE;
    private volatile Status status;
    private volatile Consumer<Status> listener = s -> {};
    private String staged;
    /** Whether this run is a new version's probation (set by {@link #onStart}); no file I/O otherwise. */
    private volatile boolean probation;

    private volatile UpdaterState.Failure failure;
    /** Whether the running check recorded a failure of the release itself (so its catch does not replace it). */
    private boolean releaseFailed;

    static final String IDLE = "idle";
    static final String DOWNLOADING = "downloading";
    static final String STAGED = "staged";
    static final String SWITCHING = "switching";
    static final String HEALTH_CHECK = "health-check";
    static final String ROLLED_BACK = "rolled-back";
    static final String REFUSED = "refused";
    static final String FAILED = "failed";

    /**
     * @param home the release home, or null in managed mode (report only)
     * @param downloads where downloads go when there is no home (channel files)
     */
    public Updater(TufClient tuf, ReleaseHome home, Settings settings, Clock clock, String running, Path downloads) {
        this.tuf = tuf;
        this.home = home;
        this.settings = settings;
        this.clock = clock;
        this.running = running;
        this.downloads = home != null ? home.downloads() : downloads;
        UpdaterState state = home != null ? home.readState() : UpdaterState.EMPTY;
        this.report = new Report(null, null, state.lastResult(), state.refused());
        this.failure = state.failure();
        UpdaterState.Pending p = state.pending();
        this.status = p != null && running.equals(p.version())
                ? status(HEALTH_CHECK, running)
                : status(state.rolledBackLast() ? ROLLED_BACK : IDLE, null);
    }

    /**
     * Calls {@code listener} with each new {@link Status}, on the thread that changed it (the updater's,
     * or the one that called {@link #onStart}); it must not block.
     */
    public void onStatus(Consumer<Status> listener) {
        this.listener = listener;
    }

    /**
     * The tenant's pin, as the hub last sent it ({@link UpdatePin#NONE} for none): another channel to
     * follow, or a version to hold at. Applies from the next check.
     */
    public void pin(UpdatePin pin) {
        this.pin = pin == null ? UpdatePin.NONE : pin;
    }

    /** The channel followed: the tenant's pinned channel, else this agent's own. */
    public String channel() {
        UpdatePin p = pin;
        return p.channel() != null ? p.channel() : settings.channel();
    }

    /** What to report to the hub now. */
    public Status status() {
        return status;
    }

    private Status status(String state, String target) {
        return new Status(
                home != null ? "self" : "managed", state, target, report.available(), report.checkedAt(), failure);
    }

    private void changed(String state, String target) {
        status = status(state, target);
        listener.accept(status);
    }

    private void failed(String version, String reason, Instant at) {
        releaseFailed = version != null;
        failure = new UpdaterState.Failure(version, reason, at);
        if (home != null) {
            home.writeState(home.readState().failed(failure));
        }
    }

    public boolean selfUpdate() {
        return home != null;
    }

    /**
     * Run first thing at start: counts a start of a version still on probation and rolls it back if it
     * is out of starts or time; forgets a switch that never took effect.
     */
    public Startup onStart() {
        if (home == null) {
            return Startup.CONTINUE;
        }
        lock.lock();
        try {
            UpdaterState state = home.readState();
            UpdaterState.Pending p = state.pending();
            if (p == null) {
                return Startup.CONTINUE;
            }
            if (running.equals(p.version())) {
                Instant now = clock.instant();
                if (p.starts() + 1 > settings.maxStarts()) {
                    rollBack(state, "it started " + p.starts() + " times without a hello accepted (crash loop)");
                    return Startup.ROLLED_BACK;
                }
                // The window counts from this start, not from the switch: a slow restart (a busy machine,
                // the service manager's delay) must not use up the new version's time to connect. A
                // version that keeps failing is bounded by maxStarts.
                home.writeState(state.withPending(p.started(now.plus(settings.healthWindow()))));
                probation = true;
                changed(HEALTH_CHECK, running);
                return Startup.CONTINUE;
            }
            // Running another version (the old one: the switch never took effect, e.g. power loss
            // before the link moved). Make current point at what runs, and forget the switch.
            if (home.installed(running) && !running.equals(home.currentVersion())) {
                home.switchTo(running);
            }
            home.writeState(state.withPending(null)
                    .result("the switch to " + p.version() + " did not take effect; running " + running));
            return Startup.CONTINUE;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The hub accepted this version's hello: a version on probation passed its health check.
     *
     * @return whether this confirmed a switch (false when nothing was on probation)
     */
    public boolean onHelloAccepted() {
        if (home == null || !probation) {
            return false;
        }
        lock.lock();
        try {
            UpdaterState state = home.readState();
            UpdaterState.Pending p = state.pending();
            if (p != null && running.equals(p.version())) {
                probation = false;
                home.writeState(state.withPending(null)
                        .result("updated from " + p.from() + " to " + p.version() + "; health check passed"));
                report = new Report(report.available(), report.checkedAt(), "updated to " + running, state.refused());
                changed(IDLE, null);
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether a version on probation has run out of time without a hello accepted; if so it is rolled
     * back (current points at the previous version) and the caller must restart.
     */
    public boolean healthExpired() {
        if (home == null || !probation) {
            return false;
        }
        lock.lock();
        try {
            UpdaterState state = home.readState();
            UpdaterState.Pending p = state.pending();
            if (p != null && running.equals(p.version()) && !clock.instant().isBefore(p.deadline())) {
                rollBack(
                        state,
                        "no hello accepted within " + settings.healthWindow().toSeconds() + " s");
                return true;
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    private void rollBack(UpdaterState state, String why) {
        probation = false;
        UpdaterState.Pending p = state.pending();
        home.switchTo(p.from());
        UpdaterState next = state.refusing(p.version(), why + "; rolled back to " + p.from(), clock.instant());
        home.writeState(next);
        failure = next.failure();
        report = new Report(report.available(), report.checkedAt(), next.lastResult(), next.refused());
        changed(ROLLED_BACK, null);
    }

    /**
     * Checks the repository; in self-update mode downloads, verifies and installs the version to run
     * and returns it (to {@link #switchNow} once no job runs). Failures are reported, not thrown.
     *
     * @return the version staged for a switch, or empty
     */
    public Optional<String> check() {
        lock.lock();
        try {
            Instant now = clock.instant();
            releaseFailed = false;
            try {
                TufClient.Trusted trusted = tuf.refresh();
                UpdatePin pinned = pin;
                String followed = pinned.channel() != null ? pinned.channel() : settings.channel();
                String channelName = ChannelState.targetName(followed);
                JsonNode entry = trusted.target(channelName)
                        .orElseThrow(() -> new UpdateException("the update repository has no channel " + followed));
                Path file = tuf.download(channelName, entry, downloads.resolve("channels"));
                ChannelState channel = ChannelState.fromJson(TufJson.parse(Files.readAllBytes(file), channelName));
                UpdaterState state = home != null ? home.readState() : UpdaterState.EMPTY;
                Decision decision = pinned.version() != null
                        ? Decision.decidePinned(running, pinned.version(), channel, state.refused())
                        : Decision.decide(running, channel, state.refused(), settings.bucket());
                if (decision.kind() != Decision.Kind.INSTALL) {
                    finish(now, null, decision.why(), state);
                    changed(
                            decision.kind() == Decision.Kind.REFUSED ? REFUSED : IDLE,
                            decision.kind() == Decision.Kind.REFUSED ? decision.version() : null);
                    return Optional.empty();
                }
                String version = decision.version();
                Optional<Map.Entry<String, JsonNode>> release = release(trusted, version);
                if (release.isEmpty()) {
                    finish(now, null, "version " + version + " has no release for " + settings.platform(), state);
                    changed(IDLE, null);
                    return Optional.empty();
                }
                if (home == null) {
                    finish(
                            now,
                            version,
                            "version " + version + " is available; this install does not replace itself"
                                    + " (managed mode): its package manager or an administrator installs it",
                            state);
                    changed(IDLE, null);
                    return Optional.empty();
                }
                changed(DOWNLOADING, version);
                Path downloaded = downloadRelease(version, release.get(), now);
                try {
                    home.install(version, downloaded);
                } catch (UpdateException e) {
                    String why = "version " + version + " could not be installed: " + e.getMessage();
                    failed(version, why, now);
                    throw e;
                }
                staged = version;
                finish(
                        now,
                        version,
                        "version " + version + " is verified and installed beside " + running
                                + "; switching when no job runs (" + decision.why() + ")",
                        state);
                changed(STAGED, version);
                return Optional.of(version);
            } catch (TufException e) {
                String why = switch (e.reason()) {
                    case "expired" -> "updates stopped: " + e.getMessage();
                    case "unreachable", "truncated" -> "check failed, retrying later: " + e.getMessage();
                    default -> "update refused (" + e.reason() + "): " + e.getMessage();
                };
                finish(now, null, why, home != null ? home.readState() : UpdaterState.EMPTY);
                if (!releaseFailed) {
                    failed(null, why, now);
                }
                changed(FAILED, null);
                throw new CheckFailed(why, e);
            } catch (UpdateException | IOException | IllegalArgumentException e) {
                String why = "update failed: " + e.getMessage();
                finish(now, null, why, home != null ? home.readState() : UpdaterState.EMPTY);
                if (!releaseFailed) {
                    failed(null, why, now);
                }
                changed(FAILED, null);
                throw new CheckFailed(why, e);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Downloads and verifies {@code version}'s file; a file that fails its verification (its signed
     * length or hash) is a failure of that release, one that could not be fetched is not.
     */
    private Path downloadRelease(String version, Map.Entry<String, JsonNode> release, Instant now) {
        try {
            return tuf.download(release.getKey(), release.getValue(), downloads);
        } catch (TufException e) {
            if (!e.reason().equals("unreachable") && !e.reason().equals("truncated")) {
                failed(
                        version,
                        "the download of " + version + " was refused (" + e.reason() + "): " + e.getMessage(),
                        now);
            }
            throw e;
        }
    }

    /** Points {@code current} at the staged version, recording it as on probation. Call with no job running. */
    public void switchNow(String version) {
        lock.lock();
        try {
            if (home == null || !version.equals(staged)) {
                throw new UpdateException("version " + version + " is not staged for a switch");
            }
            Instant now = clock.instant();
            UpdaterState state = home.readState();
            home.writeState(state.withPending(
                            new UpdaterState.Pending(version, running, now, now.plus(settings.healthWindow()), 0))
                    .result("switched from " + running + " to " + version + "; restarting"));
            home.switchTo(version);
            changed(SWITCHING, version);
        } finally {
            lock.unlock();
        }
    }

    public Report report() {
        return report;
    }

    private void finish(Instant at, String available, String result, UpdaterState state) {
        report = new Report(available, at, result, state.refused());
        if (home != null) {
            home.writeState(state.result(result).failed(failure));
        }
    }

    private Optional<Map.Entry<String, JsonNode>> release(TufClient.Trusted trusted, String version) {
        String[] platform = settings.platform().split("-", 2);
        for (var e : trusted.targets().path("signed").path("targets").properties()) {
            JsonNode custom = e.getValue().path("custom");
            if (e.getKey().startsWith("releases/")
                    && version.equals(custom.path("version").asText())
                    && platform[0].equals(custom.path("os").asText())
                    && platform.length == 2
                    && platform[1].equals(custom.path("arch").asText())) {
                return Optional.of(Map.entry(e.getKey(), e.getValue()));
            }
        }
        return Optional.empty();
    }

    /** A check that did not complete; its message is the reason {@code status} shows. */
    public static final class CheckFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CheckFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
