package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.connection.ConnectionOutcome;
import io.enginex.edge.agent.connection.ConnectionSettings;
import io.enginex.edge.agent.connection.HubConnection;
import io.enginex.edge.agent.connection.HubRotation;
import io.enginex.edge.agent.connection.Inbound;
import io.enginex.edge.agent.connection.SessionOutbox;
import io.enginex.edge.agent.dispatch.JobRunner;
import io.enginex.edge.agent.dispatch.OrphanTrees;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.CurrentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.registration.KeyRotation;
import io.enginex.edge.agent.registration.KeyRotationSchedule;
import io.enginex.edge.agent.registration.ScheduledKeyRotation;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.service.StatusReport;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubTarget;
import io.enginex.edge.agent.ui.LocalUi;
import io.enginex.edge.agent.ui.RecentLog;
import io.enginex.edge.agent.vault.ExchangeKey;
import io.enginex.edge.agent.vault.HubSecrets;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run of a registered agent, over parts the {@link AgentRuntime} opened and will close: ends the
 * process trees a killed predecessor left, wires the job runner, the status page, the connection and
 * scheduled key rotation, and runs the connection loop until a shutdown signal or a revocation.
 *
 * <p>Owns nothing it was given; owns the status page it starts (closed when the loop ends) and the
 * job runner (stopped by {@link StopSignal} before the connection closes).
 */
final class AgentSession {
    private static final Logger log = LoggerFactory.getLogger(AgentSession.class);

    /** Built before the session, from the identity, the policy and the state directory. */
    record Parts(
            IdentityFile identityFile,
            CurrentIdentity identity,
            AgentTools tools,
            StatusBoard status,
            PauseSwitch pause,
            RecentLog recentLog,
            AuditLog auditLog,
            JobJournal journal,
            Vault vault,
            io.enginex.edge.agent.tools.SecretConsent consent,
            io.enginex.edge.agent.usersession.ConsentDesk consents,
            Optional<io.enginex.edge.agent.usersession.SessionRegistry> sessionParts,
            io.enginex.edge.agent.graph.GraphSync graphSync,
            java.util.concurrent.atomic.AtomicReference<Runnable> graphRunEnded,
            io.enginex.edge.agent.ui.GraphStarter graphStarter,
            io.enginex.edge.agent.ui.PageLinks pageLinks,
            java.util.function.Consumer<io.enginex.edge.protocol.GraphStart> hubGraphStarts,
            HubApprovalLink approvals) {}

    /** Executors owned by the {@link AgentRuntime}. */
    record Threads(
            ExecutorService pageThreads,
            ExecutorService jobs,
            ScheduledExecutorService scheduler,
            ScheduledExecutorService rotations) {}

    private final RunConfig config;
    private final RunEnvironment environment;
    private final MessageCodec codec;
    private final Parts parts;
    private final Threads threads;
    private final HubClient hub;

    AgentSession(
            RunConfig config,
            RunEnvironment environment,
            MessageCodec codec,
            Parts parts,
            Threads threads,
            HubClient hub) {
        this.config = config;
        this.environment = environment;
        this.codec = codec;
        this.parts = parts;
        this.threads = threads;
        this.hub = hub;
    }

    RunOutcome run() {
        Clock clock = environment.clock();
        StatusBoard status = parts.status();
        PauseSwitch pause = parts.pause();
        AgentIdentity identity = parts.identity().get();
        UpdateLoop updates = UpdateLoop.create(updateConfig(), config.stateDir(), parts, hub, environment);
        if (updates.rolledBackAtStart()) {
            status.state("stopped");
            status.flush();
            return new RunOutcome(RunOutcome.Kind.RESTART, "update: " + updates.restartReason());
        }
        // Before connecting: the hub must hear "interrupted" only once the command stopped acting.
        new OrphanTrees(parts.journal(), environment.processGroups(), clock).endAll(CommandRunner.DEFAULT_GRACE);
        SessionOutbox outbox = new SessionOutbox();
        outbox.state(pause.get());
        parts.sessionParts().ifPresent(registry -> {
            outbox.sessionEvents(new io.enginex.edge.agent.usersession.SessionEventRecord(
                    config.stateDir().resolve(io.enginex.edge.agent.usersession.SessionEventRecord.FILE_NAME),
                    codec.mapper(),
                    clock));
            registry.onChange(outbox::sessionParts);
            outbox.sessionParts(registry.parts());
        });
        outbox.graphSync(parts.graphSync());
        outbox.uploadRate(config.uploadRate());
        parts.graphRunEnded().set(outbox::pushGraphRuns);
        parts.approvals().attach(outbox);
        updates.reportTo(outbox);
        pause.onChange(change -> {
            outbox.state(change.now());
            status.paused(change.now());
            parts.auditLog().recordLocal(change.now() != null ? "paused" : "resumed", change.by(), change.via());
        });
        AgentTools tools = parts.tools();
        JobRunner runner = JobRunner.builder(parts.journal(), outbox, threads.jobs(), clock)
                .tools(
                        () -> tools.current().get().registry(),
                        tool -> tools.current().get().concurrencyOf(tool))
                .maxConcurrent(config.maxConcurrentJobs())
                .audit(parts.auditLog())
                .pause(pause)
                .vault(Optional.of(parts.vault()))
                .consent(parts.consent())
                // The session part's consent asks for tools too; SecretConsent.NOBODY has no one to ask.
                .toolConsent(
                        parts.consent() instanceof io.enginex.edge.agent.tools.ToolConsent asker
                                ? asker
                                : io.enginex.edge.agent.tools.ToolConsent.NOBODY)
                .build();
        ExchangeKey exchangeKey = ExchangeKey.loadOrCreate(config.stateDir(), codec.mapper());
        LocalUi ui = startUi();
        status.ui(ui.url());
        parts.pageLinks().serve(ui);
        HubConnection connection = new HubConnection(
                hub,
                parts.identity(),
                () -> tools.profile().withExchangeKey(exchangeKey.publicKeyBase64()),
                tools,
                codec,
                new ClientAssertion(clock, new SecureRandom(), codec.mapper()),
                Inbound.of(runner::dispatch, runner::cancel)
                        .withReleases(updates::noticed)
                        .withVault(
                                new HubSecrets(identity.agentId(), exchangeKey, parts.vault(), parts.auditLog(), clock))
                        .withGraphRunAcks(outbox::graphRunsAcked)
                        .withSessionEventAcks(outbox::sessionEventsAcked)
                        .withGraphOutputAcks(outbox::graphOutputAcked)
                        .withGraphStarts(parts.hubGraphStarts())
                        .withGraphDecisions(parts.approvals()::decide),
                outbox,
                threads.scheduler(),
                ConnectionSettings.DEFAULT.withBackoff(config.backoffBase(), config.backoffCap()),
                new SplittableRandom(),
                new HubRotation(
                        identity.hubs(),
                        hub::direct,
                        HubRotation.Resolver.system(),
                        // Seeded by the agent id: a fleet spreads evenly, and a restart starts where it did.
                        new SplittableRandom(identity.agentId().hashCode())),
                new StatusUpdates(status, (welcome, target) -> {
                    printConnected(target, welcome, tools);
                    updates.helloAccepted();
                    updates.welcomed(welcome);
                }));
        log.atInfo()
                .addKeyValue("agentId", identity.agentId())
                .addKeyValue("hub", identity.hubs())
                .addKeyValue("trust", identity.trust().describe())
                .addKeyValue("stateDir", config.stateDir())
                .addKeyValue(
                        "tools",
                        String.join(",", tools.current().get().registry().names()))
                .addKeyValue("machinePolicy", tools.current().get().policy().machineSource())
                .log("agent starting");
        status.agent(identity.hubs().toString(), identity.agentId(), identity.tenant());
        status.state("connecting");
        schedule(connection, runner);
        updates.start(threads.rotations(), runner::runningJobs, connection::stop);
        ConnectionOutcome outcome;
        try {
            outcome = StopSignal.runUntilStopped(connection, runner);
        } finally {
            parts.pageLinks().serve(LocalUi.OFF);
            ui.close();
        }
        boolean revoked = outcome.kind() == ConnectionOutcome.Kind.REVOKED;
        if (revoked) {
            VaultSweep.wipeOnRevocation(parts.vault(), parts.auditLog());
        }
        status.state(revoked ? "revoked" : "stopped");
        if (revoked) {
            status.error(outcome.message());
        }
        status.flush();
        if (!revoked && updates.restartReason() != null) {
            return new RunOutcome(RunOutcome.Kind.RESTART, "update: " + updates.restartReason());
        }
        return revoked ? new RunOutcome(RunOutcome.Kind.REVOKED, outcome.message()) : RunOutcome.stopped();
    }

    /** The run's update settings, with agent.conf's {@code update-mode} when the command line named none. */
    private io.enginex.edge.agent.update.UpdateConfig updateConfig() {
        if (config.configFile() == null) {
            return config.update();
        }
        try {
            return config.update()
                    .orMode(new io.enginex.edge.agent.enrolment.AgentConfigFile(config.configFile())
                            .load()
                            .updateMode());
        } catch (io.enginex.edge.agent.enrolment.ConfigException e) {
            log.atWarn().log("update mode from agent.conf not used: {}", e.getMessage());
            return config.update();
        }
    }

    private LocalUi startUi() {
        if (!config.ui()) {
            return LocalUi.OFF;
        }
        Path dir = config.stateDir();
        return LocalUi.start(
                config.uiPort(),
                config.uiDir() == null ? dir : config.uiDir(),
                config.uiGroup(),
                () -> StatusReport.live(
                        dir, parts.status().current(), parts.recentLog().lines(), codec.mapper()),
                parts.pause(),
                parts.graphStarter(),
                parts.consents(),
                environment.clock(),
                codec.mapper(),
                threads.pageThreads());
    }

    /** Key rotation, the status file's refresh and job lease renewal. */
    private void schedule(HubConnection connection, JobRunner runner) {
        Clock clock = environment.clock();
        new ScheduledKeyRotation(
                        KeyRotationSchedule.every(config.rotateKeyEvery(), clock),
                        parts.identity(),
                        new KeyRotation(
                                hub,
                                parts.identityFile(),
                                new ClientAssertion(clock, new SecureRandom(), codec.mapper()),
                                clock),
                        threads.rotations())
                .start();
        ScheduledExecutorService scheduler = threads.scheduler();
        long sweep = VaultSweep.INTERVAL.toSeconds();
        scheduler.scheduleWithFixedDelay(new VaultSweep(parts.vault()), sweep, sweep, TimeUnit.SECONDS);
        // State changes are written as they happen (StatusUpdates); this only refreshes lastConnectedAt.
        scheduler.scheduleWithFixedDelay(parts.status()::stillConnected, 30, 30, TimeUnit.SECONDS);
        long renewal = JobRunner.LEASE_RENEWAL_INTERVAL.toSeconds();
        scheduler.scheduleWithFixedDelay(
                () -> {
                    if (connection.connected()) {
                        runner.renewLeases();
                    }
                },
                renewal,
                renewal,
                TimeUnit.SECONDS);
    }

    private void printConnected(HubTarget target, io.enginex.edge.protocol.Welcome welcome, AgentTools tools) {
        PrintWriter out = environment.out();
        out.println("Connected to " + target + " as " + welcome.agentId() + " (tenant " + welcome.tenant()
                + "); tools: "
                + String.join(", ", tools.current().get().registry().names()));
        out.flush();
    }
}
