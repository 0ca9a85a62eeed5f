package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.AgentVersion;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.enrolment.AgentConfigFile;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.CurrentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.pause.PauseFile;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.service.UpdateState;
import io.enginex.edge.agent.tools.BuiltinTools;
import io.enginex.edge.agent.tools.CurrentToolbox;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.ui.RecentLog;
import io.enginex.edge.agent.usersession.ConsentDesk;
import io.enginex.edge.agent.usersession.SessionAccess;
import io.enginex.edge.agent.usersession.SessionRegistry;
import io.enginex.edge.agent.usersession.SessionRouter;
import io.enginex.edge.agent.usersession.SessionServer;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's composition root: the one place that builds its parts from a {@link RunConfig} and a
 * {@link RunEnvironment} and runs them, as the hub's {@code Hub} does for the hub. {@code
 * enginex-agent run} is a thin adapter over it.
 *
 * <p>{@link #run} goes through the agent's life in order: the status board; enrolment with the
 * administrator's configuration when there is no identity yet; the identity, the machine policy and
 * the tools it allows; then the journal, the executors and the hub client (owned here and closed in
 * reverse order when the run ends), the job runner, the status page and the connection
 * ({@link AgentSession}), until a shutdown signal or a revocation ends it.
 *
 * <p>Not reusable: one {@code run} per instance, on the caller's thread.
 */
public final class AgentRuntime {
    private static final Logger log = LoggerFactory.getLogger(AgentRuntime.class);

    /** Largest output an {@code exec} command may produce. */
    private static final int EXEC_OUTPUT_LIMIT = 1 << 20;

    private final RunConfig config;
    private final RunEnvironment environment;
    private final MessageCodec codec = new MessageCodec();

    public AgentRuntime(RunConfig config, RunEnvironment environment) {
        this.config = config;
        this.environment = environment;
    }

    /**
     * Runs the agent until it is stopped (a shutdown signal) or revoked; blocks the calling thread.
     *
     * @throws io.enginex.edge.agent.policy.PolicyException for an untrusted or malformed machine policy
     * @throws io.enginex.edge.agent.identity.IdentityException for an unreadable identity
     * @throws IllegalArgumentException for a root that is not an existing folder
     */
    public RunOutcome run() {
        Path dir = config.stateDir();
        Clock clock = environment.clock();
        IdentityFile identityFile = new IdentityFile(dir, codec.mapper());
        StatusBoard status = new StatusBoard(
                new StatusFile(dir, codec.mapper()),
                clock,
                environment.pid(),
                AgentVersion.current(),
                write -> Thread.ofVirtual().name("enginex-status").start(write));
        AgentConfigFile configFile = config.configFile() == null ? null : new AgentConfigFile(config.configFile());
        if (configFile != null && !identityFile.exists()) {
            if (EnrolmentSetup.await(configFile, identityFile, codec, status, clock, config.backoffCap())
                    .isEmpty()) {
                status.state("stopped");
                status.flush();
                return RunOutcome.stopped();
            }
        }
        Path root = config.root();
        if (root == null && configFile != null) {
            root = configFile.load().rootFolder().orElse(null);
        }
        if (!identityFile.exists()) {
            return new RunOutcome(
                    RunOutcome.Kind.NOT_REGISTERED,
                    "this agent is not registered yet (no " + identityFile.path()
                            + "): run enginex-agent register --server URL --token TOKEN");
        }
        AgentIdentity identity = identityFile.load();
        Optional<SessionRegistry> sessions =
                config.sessionSocket() == null ? Optional.empty() : Optional.of(new SessionRegistry(clock));
        Tooling tooling = tools(root, identity, sessions);
        AgentTools tools = tooling.tools();
        CurrentIdentity currentIdentity = new CurrentIdentity(identityFile, identity);
        status.updateState(UpdateState.detect(AgentVersion.current(), environment.appPath(), environment.osName()));
        PauseSwitch pause = new PauseSwitch(new PauseFile(dir, codec.mapper()), clock);
        status.paused(pause.get());
        RecentLog recentLog = RecentLog.attach(50);
        AuditLog auditLog = new AuditLog(dir, 10L << 20, 5, clock, codec.mapper());
        Vault vault = new Vault(
                dir,
                KeyStores.forThisMachine(dir),
                clock,
                new SecureRandom(),
                codec.mapper(),
                name -> auditLog.recordVault("secret.expired", name, "expiry", "agent"));

        // Scheduled and folder-watching graphs fire with or without the hub; each run takes the graph job
        // journal for its time.
        // Their runs, and those of graph run, are uploaded to the hub when connected (GraphSync).
        Path graphDir = dir.resolve(LocalGraphs.DIR);
        var graphSync = new io.enginex.edge.agent.graph.GraphSync(
                new io.enginex.edge.agent.graph.RunJournal(graphDir.resolve("runs"), codec.mapper(), clock),
                graphDir.resolve("synced.jsonl"),
                auditLog.path(),
                codec.mapper());
        // One desk and one asker for jobs and graph steps alike: the status page lists both kinds of request.
        ConsentDesk consents = new ConsentDesk(clock, ConsentAudit.of(auditLog));
        Optional<io.enginex.edge.agent.usersession.SessionConsent> askers =
                sessions.map(r -> new io.enginex.edge.agent.usersession.SessionConsent(r, consents, clock));
        io.enginex.edge.agent.tools.ToolConsent stepConsent = askers.<io.enginex.edge.agent.tools.ToolConsent>map(
                        a -> a)
                .orElse(io.enginex.edge.agent.tools.ToolConsent.NOBODY);
        io.enginex.edge.agent.tools.SecretConsent secretConsent = askers.<io.enginex.edge.agent.tools.SecretConsent>map(
                        a -> a)
                .orElse(io.enginex.edge.agent.tools.SecretConsent.NOBODY);
        var graphRunEnded = new java.util.concurrent.atomic.AtomicReference<Runnable>(() -> {});
        var stepWaits = new java.util.concurrent.atomic.AtomicReference<Runnable>(() -> {});
        io.enginex.edge.agent.graph.RunListener uploadOnEnd = new io.enginex.edge.agent.graph.RunListener() {
            @Override
            public void ended(String runId, String status) {
                graphRunEnded.get().run();
            }

            @Override
            public void awaitingApproval(String runId, String step, String reason) {
                stepWaits.get().run(); // the hub is told at once when connected
            }
        };
        ScheduledGraphs schedule = new ScheduledGraphs(
                tools.graphs(),
                identity.tenant(),
                clock,
                listener -> new LocalGraphs(
                        tooling.machine(),
                        dir,
                        tooling.plugins(),
                        uploadOnEnd,
                        codec.mapper(),
                        stepConsent,
                        secretConsent),
                tools::watchedFolder,
                codec.mapper());
        tools.onGraphsAssigned(schedule::wake);
        HubApprovalLink approvals = new HubApprovalLink(
                new io.enginex.edge.agent.graph.HubApprovals(
                        new io.enginex.edge.agent.graph.RunJournal(graphDir.resolve("runs"), codec.mapper(), clock),
                        new io.enginex.edge.common.graph.GraphFormat(codec.mapper())),
                schedule);
        stepWaits.set(approvals::pushWaiting);
        io.enginex.edge.agent.ui.PageLinks pageLinks = new io.enginex.edge.agent.ui.PageLinks();
        SessionServer sessionServer = sessions(sessions, configFile, auditLog, pageLinks);
        try (JobJournal journal = JobJournal.open(dir, codec.mapper(), JournalLimits.DEFAULT, clock);
                ExecutorService pageThreads = Executors.newVirtualThreadPerTaskExecutor();
                ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
                ScheduledExecutorService scheduler = newScheduler("enginex-heartbeat");
                // Rotations block on HTTP, so they get their own thread, away from heartbeats.
                ScheduledExecutorService rotations = newScheduler("enginex-key-rotation");
                HubClient hub = new HubClient(
                        identity.hubs(), identity.trust(), environment.env(), Duration.ofSeconds(20), codec.mapper())) {
            AgentSession session = new AgentSession(
                    config,
                    environment,
                    codec,
                    new AgentSession.Parts(
                            identityFile,
                            currentIdentity,
                            tools,
                            status,
                            pause,
                            recentLog,
                            auditLog,
                            journal,
                            vault,
                            secretConsent,
                            consents,
                            sessions,
                            graphSync,
                            graphRunEnded,
                            io.enginex.edge.agent.ui.GraphStarter.listing(schedule::startable, (graph, by, via) -> {
                                        Optional<String> refused = schedule.start(graph, by);
                                        auditLog.recordGraphStart(graph, by, via, refused.orElse(null));
                                        return refused;
                                    })
                                    .deciding(new LocalDecisions(
                                            () -> tools.current().get().policy(),
                                            schedule::decideLocally,
                                            auditLog,
                                            approvals::decidedHere)),
                            pageLinks,
                            frame -> {
                                Optional<String> refused = schedule.start(frame);
                                auditLog.recordGraphStart(frame.graph(), frame.by(), "hub", refused.orElse(null));
                                refused.ifPresent(reason -> log.atWarn()
                                        .addKeyValue("graph", frame.graph())
                                        .addKeyValue("startId", frame.startId())
                                        .log("refused the hub's start of a graph: " + reason));
                            },
                            approvals),
                    new AgentSession.Threads(pageThreads, jobs, scheduler, rotations),
                    hub);
            return session.run();
        } finally {
            schedule.close();
            sessionServer.close();
        }
    }

    /** The agent's tools, and what they were made from (scheduled graph runs make theirs alike). */
    private record Tooling(AgentTools tools, PolicySetup.Machine machine, PluginTools.Loaded plugins) {}

    /**
     * The local channel for user session parts, listening when {@code --session-socket} was given
     * (else a server that does nothing).
     */
    private SessionServer sessions(
            Optional<SessionRegistry> registry,
            AgentConfigFile configFile,
            AuditLog auditLog,
            io.enginex.edge.agent.usersession.LoginLinks loginLinks) {
        if (registry.isEmpty()) {
            return SessionServer.NONE;
        }
        String users = config.sessionUsers();
        if (users == null && configFile != null) {
            users = configFile.load().sessionUsers();
        }
        SessionServer server = new SessionServer(
                config.sessionSocket(),
                SessionAccess.parse(users, System.getProperty("user.name", "")),
                registry.get(),
                auditLog::recordSession,
                codec.mapper(),
                loginLinks,
                peerProof(config.sessionSocket()));
        try {
            server.start();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "cannot listen for user session parts on " + config.sessionSocket() + " (" + e.getMessage()
                            + "); check that its folder exists and is writable by this account, or drop"
                            + " --session-socket",
                    e);
        }
        return server;
    }

    /** Linux, macOS: the kernel's peer credentials; Windows (no SO_PEERCRED in the JDK): session tokens. */
    private static io.enginex.edge.agent.usersession.PeerProof peerProof(java.nio.file.Path socket) {
        if (!System.getProperty("os.name", "")
                .toLowerCase(java.util.Locale.ROOT)
                .startsWith("windows")) {
            return io.enginex.edge.agent.usersession.KernelProof.INSTANCE;
        }
        return new io.enginex.edge.agent.usersession.TokenProof(
                io.enginex.edge.agent.usersession.TokenProof.folderOf(socket),
                io.enginex.edge.agent.usersession.TokenAcl.platform(),
                new java.security.SecureRandom());
    }

    /** The tools the machine policy allows, over {@code root}; rebuilt when the hub sends tenant policies. */
    private Tooling tools(Path root, AgentIdentity identity, Optional<SessionRegistry> sessions) {
        Clock clock = environment.clock();
        PolicySetup.Machine machine = PolicySetup.machine(config.machinePolicy(), root, codec.mapper());
        PluginTools.Loaded plugins = PluginTools.load(
                config.plugins() != null ? config.plugins() : machine.defaultPlugins(),
                config.plugins() != null,
                FileTrust.forCurrentUser(),
                BuiltinTools.NAMES);
        AgentTools tools = new AgentTools(
                machine,
                config.stateDir(),
                environment.host(),
                clock,
                // Output readers run on virtual threads that end with each command.
                Optional.of(new CommandRunner(
                        Executors.newVirtualThreadPerTaskExecutor(),
                        clock,
                        EXEC_OUTPUT_LIMIT,
                        environment.processGroups(),
                        CommandRunner.DEFAULT_GRACE)),
                plugins,
                identity.hubs().toString(),
                codec.mapper(),
                sessions.map(r -> (SessionRouter) r));
        CurrentToolbox toolbox = tools.current();
        EffectivePolicy policy = toolbox.get().policy();
        if (toolbox.get().root() == null) {
            log.atInfo()
                    .addKeyValue("machinePolicy", policy.machineSource())
                    .log(
                            root == null
                                    ? "no --root set: file tools are off"
                                    : "--root lies under no root of the machine policy: file tools are off");
        }
        return new Tooling(tools, machine, plugins);
    }

    private static ScheduledExecutorService newScheduler(String threadName) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name(threadName).factory());
        // At exit, pending delayed work (a close timeout) must not hold the process up.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }
}
