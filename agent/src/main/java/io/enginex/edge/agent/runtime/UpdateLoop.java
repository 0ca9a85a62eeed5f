package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.AgentVersion;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.connection.SessionOutbox;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.service.UpdateState;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.update.Decision;
import io.enginex.edge.agent.update.HttpUpdateSource;
import io.enginex.edge.agent.update.ReleaseHome;
import io.enginex.edge.agent.update.TufClient;
import io.enginex.edge.agent.update.UpdateConfig;
import io.enginex.edge.agent.update.Updater;
import io.enginex.edge.agent.update.UpdaterState;
import io.enginex.edge.common.tuf.RoleKeys;
import io.enginex.edge.common.tuf.TufException;
import io.enginex.edge.common.tuf.TufJson;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdateFailure;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.protocol.Welcome;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link Updater} inside an agent run: the health check at start, checks on a schedule (with
 * backoff and full jitter after a failure), the switch once no job runs, the health deadline, and the
 * status board's update line. A switch or a rollback ends the run with {@link RunOutcome.Kind#RESTART},
 * for the service manager to start the version {@code current} now points at.
 *
 * <p>Checks and switches run on the scheduler given to {@link #start} (the agent's thread for blocking
 * HTTP work); nothing here is on the connection's threads.
 */
final class UpdateLoop {
    private static final Logger log = LoggerFactory.getLogger(UpdateLoop.class);
    private static final Duration RETRY_BASE = Duration.ofSeconds(5);
    /** The first check after start, and after a pin that came in a welcome, comes within this. */
    private static final Duration FIRST_CHECK_WITHIN = Duration.ofMinutes(1);

    private final Updater updater;
    private final UpdateConfig config;
    private final UpdateState detected;
    private final StatusBoard status;
    private final AuditLog audit;
    private final AtomicReference<String> restart = new AtomicReference<>();
    private final UpdateFailure off;
    private volatile SessionOutbox outbox;
    /** Where the tenant's pin is kept across restarts, or null when updates are off. */
    private Path pinFile;
    /** The next scheduled check; replaced by an earlier one when the hub announces a release. Scheduler thread only. */
    private ScheduledFuture<?> nextCheck;
    /** A version is staged and waits for no job to run: notices start no check. Scheduler thread only. */
    private boolean staging;

    private ScheduledExecutorService scheduler;
    private IntSupplier runningJobs;
    private Runnable stop;
    private int failures;
    /** Set on the connection's thread at a welcome, so the health deadline never overtakes a hello already accepted. */
    private volatile boolean helloSeen;

    private UpdateLoop(
            Updater updater,
            UpdateConfig config,
            UpdateState detected,
            StatusBoard status,
            AuditLog audit,
            UpdateFailure off) {
        this.off = off;
        this.audit = audit;
        this.updater = updater;
        this.config = config;
        this.detected = detected;
        this.status = status;
    }

    /**
     * The updater for this run, or one that does nothing (and says why on the status board) when no
     * update root is pinned or it cannot be read.
     */
    static UpdateLoop create(
            UpdateConfig config, Path stateDir, AgentSession.Parts parts, HubClient hub, RunEnvironment env) {
        String agentId = parts.identity().get().agentId();
        StatusBoard status = parts.status();
        AuditLog audit = parts.auditLog();
        String version = AgentVersion.current();
        UpdateState detected = UpdateState.detect(version, env.appPath(), env.osName());
        Path trusted = stateDir.resolve("update").resolve("metadata");
        try {
            pinRoot(config.pinnedRoot(), trusted);
        } catch (TufException | IOException e) {
            log.atWarn().addKeyValue("root", config.pinnedRoot()).log("update root not usable: {}", e.getMessage());
            String why = "updates off: the pinned update root is not usable: " + e.getMessage();
            status.updateState(with(detected, null, null, why));
            return new UpdateLoop(
                    null,
                    config,
                    detected,
                    status,
                    audit,
                    new UpdateFailure(null, why, env.clock().instant()));
        }
        if (!Files.exists(trusted.resolve("root.json"))) {
            return new UpdateLoop(null, config, detected, status, audit, null);
        }
        ReleaseHome home;
        try {
            home = home(config, detected, stateDir, env.appPath());
        } catch (RuntimeException e) {
            // A home that cannot be set up must stop self-update, never the agent.
            log.atWarn().log("self-update off: {}", e.getMessage());
            status.updateState(with(detected, null, null, "self-update off: " + e.getMessage()));
            home = null;
        }
        // A mirror if given; else the hub address the agent is connected to now (of several), asked per request.
        Supplier<URI> base = config.url() != null ? config::url : () -> repositoryOf(hub);
        TufClient tuf = new TufClient(
                trusted,
                new HttpUpdateSource(hub.http(), base, Duration.ofSeconds(60)),
                env.clock(),
                TufClient.Limits.DEFAULT);
        Updater updater;
        try {
            updater = new Updater(
                    tuf,
                    home,
                    new Updater.Settings(
                            config.channel(),
                            UpdateConfig.platform(env.osName(), System.getProperty("os.arch", "amd64")),
                            config.healthWindow(),
                            config.maxStarts(),
                            Decision.bucket(agentId)),
                    env.clock(),
                    version,
                    stateDir.resolve("update").resolve("downloads"));
        } catch (RuntimeException e) {
            // A damaged update state must stop updates, never the agent.
            log.atWarn().log("updates off: {}", e.getMessage());
            status.updateState(with(detected, null, null, "updates off: " + e.getMessage()));
            return new UpdateLoop(
                    null,
                    config,
                    detected,
                    status,
                    audit,
                    new UpdateFailure(
                            null, "updates off: " + e.getMessage(), env.clock().instant()));
        }
        return of(
                updater,
                config,
                detected,
                status,
                audit,
                stateDir.resolve("update").resolve("pin.json"));
    }

    /**
     * The loop over a working {@code updater}, with the tenant's pin kept in {@code pinFile} (read now:
     * the last run's pin applies until the hub sends one).
     */
    static UpdateLoop of(
            Updater updater,
            UpdateConfig config,
            UpdateState detected,
            StatusBoard status,
            AuditLog audit,
            Path pinFile) {
        UpdateLoop loop = new UpdateLoop(updater, config, detected, status, audit, null);
        loop.pinFile = pinFile;
        updater.pin(readPin(pinFile));
        updater.onStatus(s -> loop.report());
        loop.publish();
        return loop;
    }

    /**
     * The release home, or null in managed mode: {@code --update-home} when the agent may replace itself
     * (mode self, or auto without a package manager); in mode self without a home, {@code
     * <state-dir>/releases}, where a package install's own version is adopted as the first (so a rollback
     * has a version to go back to).
     */
    static ReleaseHome home(UpdateConfig config, UpdateState detected, Path stateDir, String appPath) {
        boolean managed = detected.managedBy() != null;
        switch (config.mode()) {
            case UpdateConfig.MANAGED -> {
                return null;
            }
            case UpdateConfig.SELF -> {
                ReleaseHome home =
                        new ReleaseHome(config.home() != null ? config.home() : stateDir.resolve("releases"));
                Path app = packagedApp(appPath);
                if (home.currentVersion() == null && app != null) {
                    home.adopt(detected.current(), app);
                }
                return home;
            }
            default -> {
                if (managed && config.home() != null) {
                    log.atWarn()
                            .log(
                                    "--update-home is ignored: this install is managed by {} (update-mode = self in"
                                            + " agent.conf makes it replace itself)",
                                    detected.managedBy());
                }
                return managed || config.home() == null ? null : new ReleaseHome(config.home());
            }
        }
    }

    /**
     * The application folder of a jpackage launcher ({@code …/bin/enginex-agent} → {@code …/lib/app}, the
     * Linux layout), or null when not run from one or it is not that layout.
     */
    static Path packagedApp(String appPath) {
        if (appPath == null) {
            return null;
        }
        Path launcher = Path.of(appPath).toAbsolutePath();
        if (launcher.getParent() == null || launcher.getParent().getParent() == null) {
            return null;
        }
        Path app = launcher.getParent().getParent().resolve("lib").resolve("app");
        return Files.isRegularFile(app.resolve(ReleaseHome.JAR)) ? app : null;
    }

    /** The hub's repository at the address the agent prefers: the one connected to, else the one last tried. */
    static URI repositoryOf(HubClient hub) {
        return hub.endpoint().resolve("/updates");
    }

    /** The pin kept by the last run, or none (also when the file is damaged: the next welcome brings it). */
    private static UpdatePin readPin(Path file) {
        try {
            if (!Files.exists(file)) {
                return UpdatePin.NONE;
            }
            var json = TufJson.MAPPER.readTree(Files.readAllBytes(file));
            return new UpdatePin(
                    json.path("channel").isTextual() ? json.path("channel").asText() : null,
                    json.path("version").isTextual() ? json.path("version").asText() : null);
        } catch (IOException | IllegalArgumentException e) {
            log.atWarn()
                    .addKeyValue("file", file)
                    .log("update pin not readable, none until the hub sends it: {}", e.getMessage());
            return UpdatePin.NONE;
        }
    }

    /**
     * The hub welcomed this agent (connection thread): applies the tenant's pin when the hub sent one
     * (a hub that knows pins always does; {@code {}} for none).
     */
    void welcomed(Welcome welcome) {
        if (updater != null && welcome.updatePin() != null && scheduler != null) {
            UpdatePin pin = welcome.updatePin();
            scheduler.execute(() -> applyPin(pin, FIRST_CHECK_WITHIN.toMillis()));
        }
    }

    /**
     * The hub says to check now (receive thread): a release of the followed channel changed, or the
     * tenant's pin did. The check runs at a random moment within the notice's window, on the updater's thread.
     */
    void noticed(ReleaseNotice notice) {
        if (updater == null || scheduler == null) {
            return;
        }
        scheduler.execute(() -> {
            if (notice.pin() != null) {
                applyPin(notice.pin(), notice.spreadMillis());
            } else if (notice.channel() == null || notice.channel().equals(updater.channel())) {
                log.atInfo()
                        .addKeyValue("channel", notice.channel())
                        .addKeyValue("version", notice.version())
                        .log("the hub announced a release; checking within {} ms", notice.spreadMillis());
                checkWithin(notice.spreadMillis());
            }
        });
    }

    /** On the scheduler: keeps a changed pin (file, updater, hub report) and checks within {@code spreadMillis}. */
    private void applyPin(UpdatePin pin, long spreadMillis) {
        if (pin.equals(readPin(pinFile))) {
            updater.pin(pin);
            return;
        }
        try {
            Files.createDirectories(pinFile.getParent());
            Path temp = Files.createTempFile(pinFile.getParent(), ".pin", ".tmp");
            Files.write(temp, TufJson.MAPPER.writeValueAsBytes(pin));
            Files.move(temp, pinFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            log.atWarn().log("the update pin could not be kept for the next start: {}", e.getMessage());
        }
        updater.pin(pin);
        log.atInfo()
                .addKeyValue("channel", pin.channel())
                .addKeyValue("version", pin.version())
                .log(
                        pin.none()
                                ? "the tenant's update pin was removed; checking"
                                : "the tenant pinned updates; checking");
        report();
        checkWithin(spreadMillis);
    }

    /** On the scheduler: the next check at a random moment within {@code spreadMillis}, unless one comes sooner. */
    private void checkWithin(long spreadMillis) {
        if (staging || restart.get() != null) {
            return;
        }
        long delay = ThreadLocalRandom.current().nextLong(Math.max(1, spreadMillis));
        if (nextCheck != null && nextCheck.getDelay(TimeUnit.MILLISECONDS) <= delay) {
            return;
        }
        if (nextCheck != null) {
            nextCheck.cancel(false);
        }
        nextCheck = scheduler.schedule(this::check, delay, TimeUnit.MILLISECONDS);
    }

    /** Copies the installer's root.json into the trusted directory once, if it is a root signed by its own threshold. */
    private static void pinRoot(Path pinned, Path trusted) throws IOException {
        if (pinned == null || Files.exists(trusted.resolve("root.json"))) {
            return;
        }
        byte[] bytes = Files.readAllBytes(pinned);
        var root = TufJson.parse(bytes, pinned.toString());
        if (!"root".equals(root.path("signed").path("_type").asText())) {
            throw new TufException("invalid", pinned + " is not a TUF root.json");
        }
        RoleKeys.of(root.path("signed"), "root").verify(root, pinned.toString());
        Files.createDirectories(trusted);
        Path temp = Files.createTempFile(trusted, ".root", ".tmp");
        Files.write(temp, bytes);
        Files.move(temp, trusted.resolve("root.json"), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * Reports the update state to the hub through {@code outbox} from now on: at once (it is sent after
     * the next welcome), and at each change.
     */
    void reportTo(SessionOutbox outbox) {
        this.outbox = outbox;
        report();
    }

    /** Hands the hub the update state now (an {@code update} frame, sent once a welcomed connection is up). */
    private void report() {
        SessionOutbox to = outbox;
        if (to == null) {
            return;
        }
        String version = detected.current();
        String channel = updater != null ? updater.channel() : config.channel();
        try {
            new UpdateReport("a-0", version, channel, UpdateReport.MODE_OFF, UpdateReport.IDLE, null, null, null, null);
        } catch (IllegalArgumentException e) {
            log.atWarn().log("the update state is not reported to the hub: {}", e.getMessage());
            return;
        }
        if (updater == null) {
            to.update(id -> new UpdateReport(
                    id, version, channel, UpdateReport.MODE_OFF, UpdateReport.IDLE, null, null, null, off));
            return;
        }
        Updater.Status s = updater.status();
        UpdaterState.Failure f = s.failure();
        UpdateFailure failure = f == null ? null : new UpdateFailure(f.version(), f.reason(), f.at());
        to.update(id -> new UpdateReport(
                id, version, channel, s.mode(), s.state(), s.target(), s.available(), s.checkedAt(), failure));
    }

    /** Run before connecting: true when the new version failed its health check and was rolled back. */
    boolean rolledBackAtStart() {
        Updater.Startup startup;
        try {
            startup = updater == null ? Updater.Startup.CONTINUE : updater.onStart();
        } catch (RuntimeException e) {
            log.atWarn().log("update health bookkeeping failed, running on: {}", e.getMessage());
            return false;
        }
        if (startup == Updater.Startup.ROLLED_BACK) {
            restart.set(updater.report().result());
            log.atWarn().log("update rolled back: {}", updater.report().result());
            audit.recordUpdate(
                    "update.rolled_back", detected.current(), updater.report().result());
            return true;
        }
        return false;
    }

    /** Starts the checks and the health deadline on {@code scheduler}; {@code stop} ends the run. */
    void start(ScheduledExecutorService scheduler, IntSupplier runningJobs, Runnable stop) {
        if (updater == null) {
            return;
        }
        this.scheduler = scheduler;
        this.runningJobs = runningJobs;
        this.stop = stop;
        scheduler.scheduleWithFixedDelay(this::watchHealth, 1, 1, TimeUnit.SECONDS);
        long first = Math.min(config.every().toMillis(), FIRST_CHECK_WITHIN.toMillis());
        scheduler.execute(() -> nextCheck = scheduler.schedule(
                this::check, ThreadLocalRandom.current().nextLong(first / 2, first + 1), TimeUnit.MILLISECONDS));
    }

    /**
     * The hub accepted our hello (called on the connection's thread): a new version passed its health
     * check, recorded on the updater's thread.
     */
    void helloAccepted() {
        if (updater == null || scheduler == null) {
            return;
        }
        helloSeen = true;
        // On the updater's thread: the connection's thread must not wait behind a download.
        scheduler.execute(() -> {
            try {
                confirm();
            } catch (RuntimeException e) {
                log.atWarn().log("update health check could not be recorded: {}", e.getMessage());
            }
        });
    }

    /** Why the run must end for a restart, or null. */
    String restartReason() {
        return restart.get();
    }

    private void watchHealth() {
        try {
            if (helloSeen) {
                confirm();
            } else if (restart.get() == null && updater.healthExpired()) {
                audit.recordUpdate(
                        "update.rolled_back",
                        detected.current(),
                        updater.report().result());
                restart(updater.report().result());
            }
        } catch (RuntimeException e) {
            log.atWarn().log("update health check failed: {}", e.getMessage());
        }
    }

    private void confirm() {
        if (updater.onHelloAccepted()) {
            audit.recordUpdate(
                    "update.confirmed", detected.current(), updater.report().result());
            publish();
        }
    }

    private void check() {
        Duration next;
        try {
            Optional<String> staged = updater.check();
            failures = 0;
            publish();
            log.atInfo().log("update check: {}", updater.report().result());
            if (staged.isPresent()) {
                staging = true;
                switchWhenIdle(staged.get());
                return;
            }
            next = jitter(config.every());
        } catch (Updater.CheckFailed e) {
            failures++;
            publish();
            log.atWarn().addKeyValue("failures", failures).log("update check: {}", e.getMessage());
            long cap = Math.min(config.every().toMillis(), RETRY_BASE.toMillis() << Math.min(failures, 20));
            next = Duration.ofMillis(Math.max(1_000, ThreadLocalRandom.current().nextLong(cap + 1)));
        } catch (RuntimeException e) {
            failures++;
            log.atWarn().log("update check failed: {}", e.toString());
            next = jitter(config.every());
        }
        nextCheck = scheduler.schedule(this::check, next.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void switchWhenIdle(String version) {
        if (runningJobs.getAsInt() > 0) {
            scheduler.schedule(() -> switchWhenIdle(version), 1, TimeUnit.SECONDS);
            return;
        }
        try {
            updater.switchNow(version);
            audit.recordUpdate("update.switched", version, "switched from " + detected.current() + " to " + version);
            restart("switched to " + version + "; restarting to run it");
        } catch (RuntimeException e) {
            log.atWarn().log("update switch failed: {}", e.getMessage());
            staging = false;
            nextCheck = scheduler.schedule(this::check, jitter(config.every()).toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void restart(String why) {
        restart.set(why);
        log.atInfo().log("update: {}", why);
        publish();
        stop.run();
    }

    private void publish() {
        Updater.Report r = updater.report();
        status.updateState(with(
                detected,
                r.available(),
                r.checkedAt(),
                r.result() == null ? detected.detail() : r.result(),
                updater.selfUpdate()));
    }

    private static UpdateState with(UpdateState d, String available, java.time.Instant at, String detail) {
        return new UpdateState(d.mode(), d.managedBy(), d.selfUpdate(), d.current(), available, at, detail);
    }

    private static UpdateState with(
            UpdateState d, String available, java.time.Instant at, String detail, boolean self) {
        return new UpdateState(
                self ? "self-update" : d.mode(), d.managedBy(), self, d.current(), available, at, detail);
    }

    private static Duration jitter(Duration every) {
        long ms = every.toMillis();
        return Duration.ofMillis(ms - ThreadLocalRandom.current().nextLong(ms / 10 + 1));
    }
}
