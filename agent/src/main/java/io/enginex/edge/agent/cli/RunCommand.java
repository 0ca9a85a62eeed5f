package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.AgentVersion;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.connection.ConnectionOutcome;
import io.enginex.edge.agent.connection.ConnectionSettings;
import io.enginex.edge.agent.connection.HubConnection;
import io.enginex.edge.agent.connection.Inbound;
import io.enginex.edge.agent.connection.SessionOutbox;
import io.enginex.edge.agent.dispatch.JobRunner;
import io.enginex.edge.agent.dispatch.OrphanTrees;
import io.enginex.edge.agent.enrolment.AgentConfigFile;
import io.enginex.edge.agent.exec.CommandRunner;
import io.enginex.edge.agent.exec.ProcessGroups;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.CurrentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JournalLimits;
import io.enginex.edge.agent.pause.PauseFile;
import io.enginex.edge.agent.pause.PauseSwitch;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.registration.KeyRotation;
import io.enginex.edge.agent.registration.KeyRotationSchedule;
import io.enginex.edge.agent.registration.ScheduledKeyRotation;
import io.enginex.edge.agent.service.ServiceDefinition;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.service.StatusReport;
import io.enginex.edge.agent.service.UpdateState;
import io.enginex.edge.agent.service.WindowsServiceHost;
import io.enginex.edge.agent.tools.BuiltinTools;
import io.enginex.edge.agent.tools.CurrentToolbox;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.ui.LocalUi;
import io.enginex.edge.agent.ui.RecentLog;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code enginex-agent run}: connect to the hub and serve jobs until stopped. */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = {
            "Connects to the hub this agent is registered with and runs the tools it asks for, until stopped"
                    + " (Ctrl+C or the service manager). Reconnects by itself after network trouble or a hub restart.",
            "File tools are offered only with --root (or roots in the machine policy), and see only those"
                    + " folders; without a machine policy file they are read-only. See enginex-agent policy show."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent run --root ~/Documents/shared",
            "  enginex-agent run                          (no file tools: sys.info only)",
            "  enginex-agent run --root /srv/share --log-format json"
        })
final class RunCommand implements java.util.concurrent.Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            description = "Where the identity and job journal are kept (default: $ENGINEX_AGENT_STATE_DIR, else the"
                    + " per-user state folder of this OS).")
    Path stateDir;

    @Option(
            names = "--root",
            paramLabel = "DIR",
            description = "The folder file tools may use (narrowed by the machine policy). Without it, file tools"
                    + " use the machine policy's roots, or are off when there is no machine policy file.")
    Path root;

    @Option(
            names = "--machine-policy",
            paramLabel = "FILE",
            description = "Use this machine policy file instead of the administrator's (default: Linux"
                    + " /etc/enginex-agent/policy.json, macOS /Library/Application Support/EngineX Agent/policy.json,"
                    + " Windows %%ProgramData%%\\EngineX\\Agent\\policy.json). It must not be writable by group or"
                    + " others. See enginex-agent policy show.")
    Path machinePolicy;

    @Option(
            names = "--plugins",
            paramLabel = "DIR",
            description = "Load plug-in tool jars from this folder instead of the administrator's (default: plugins"
                    + " beside the machine policy file, e.g. /etc/enginex-agent/plugins). Like the machine policy,"
                    + " the folder and jars must not be writable by group or others. Plug-in tools are offered only"
                    + " when the policy names them.")
    Path pluginsFolder;

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description = "Admin-owned configuration (server, token, pin, ca-file, root; see docs/INSTALL.md). Without"
                    + " an identity the agent enrols with it, retrying until it works, then deletes the token"
                    + " from it. The service installs use /etc/enginex-agent/agent.conf.")
    Path config;

    @Option(
            names = "--log-format",
            paramLabel = "text|json",
            defaultValue = "text",
            description = "Log format on stderr: text (default) or json (one object per line).")
    LogSetup.Format logFormat;

    @Option(
            names = "--log-level",
            paramLabel = "LEVEL",
            defaultValue = "info",
            description = "error, warn, info (default), debug or trace.")
    String logLevel;

    @Option(
            names = "--max-concurrent-jobs",
            paramLabel = "N",
            defaultValue = "8",
            description = "Tools running at once; more jobs wait their turn (default 8).")
    int maxConcurrentJobs;

    @Option(
            names = "--rotate-key-every",
            paramLabel = "DURATION",
            defaultValue = "30d",
            converter = DurationConverter.class,
            description = "Replace the device key once it is this old (default ${DEFAULT-VALUE}; 0 turns it off), by"
                    + " the same signed exchange as enginex-agent identity rotate; the next connection uses the new"
                    + " key. A key rotated by identity rotate while this runs is picked up the same way.")
    Duration rotateKeyEvery;

    /** Set by the Windows service's command line (sc.exe create and the MSI); see WindowsServiceHost. */
    @Option(names = "--windows-service", hidden = true)
    boolean windowsService;

    @Option(
            names = "--ui-port",
            paramLabel = "PORT",
            defaultValue = "0",
            description = "Port of the local status page on 127.0.0.1 (default 0: any free port; enginex-agent ui"
                    + " finds it).")
    int uiPort;

    @Option(
            names = "--no-ui",
            description = "Do not serve the local status page (enginex-agent ui, pause and resume"
                    + " then cannot reach this agent).")
    boolean noUi;

    @Option(
            names = "--ui-dir",
            paramLabel = "DIR",
            description = "Where to write ui.json, the page's address and per-start secret (default: the state"
                    + " directory; the Linux service uses /run/enginex-agent).")
    Path uiDir;

    @Option(
            names = "--ui-group",
            paramLabel = "GROUP",
            description = "Let this group read ui.json (mode 640), so its members can open the page and pause the"
                    + " agent; the agent's account must be a member. The Linux service uses enginex-agent-ui.")
    String uiGroup;

    @Option(names = "--backoff-base", hidden = true, defaultValue = "1s", converter = DurationConverter.class)
    Duration backoffBase;

    @Option(names = "--backoff-cap", hidden = true, defaultValue = "5m", converter = DurationConverter.class)
    Duration backoffCap;

    @Override
    public Integer call() {
        if (windowsService) {
            windowsService = false;
            Path log = StateDirectory.resolve(stateDir).resolve("enginex-agent.log");
            return WindowsServiceHost.run(ServiceDefinition.NAME, log, this::callAsService);
        }
        LogSetup.apply(logFormat, logLevel);
        PrintWriter out = spec.commandLine().getOut();
        Path dir = StateDirectory.resolve(stateDir);
        MessageCodec codec = new MessageCodec();
        IdentityFile identityFile = new IdentityFile(dir, codec.mapper());
        StatusBoard status = new StatusBoard(
                new StatusFile(dir, codec.mapper()),
                Clock.systemUTC(),
                ProcessHandle.current().pid(),
                AgentVersion.current(),
                write -> Thread.ofVirtual().name("enginex-status").start(write));
        AgentConfigFile configFile = config == null ? null : new AgentConfigFile(config);
        if (configFile != null && !identityFile.exists()) {
            if (EnrolmentSetup.await(configFile, identityFile, codec, status, Clock.systemUTC(), backoffCap)
                    .isEmpty()) {
                status.state("stopped");
                status.flush();
                return ExitCodes.OK;
            }
        }
        if (root == null && configFile != null) {
            root = configFile.load().rootFolder().orElse(null);
        }
        if (!identityFile.exists()) {
            spec.commandLine()
                    .getErr()
                    .println("error: this agent is not registered yet (no " + identityFile.path()
                            + "): run enginex-agent register --server URL --token TOKEN");
            return ExitCodes.USAGE;
        }
        if (maxConcurrentJobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-concurrent-jobs must be at least 1");
        }
        AgentIdentity identity = identityFile.load();
        Clock clock = Clock.systemUTC();
        HostInfo host = HostInfo.current();
        ProcessGroups processGroups = ProcessGroups.forThisMachine();
        PolicySetup.Machine machine = PolicySetup.machine(machinePolicy, root, codec.mapper());
        PluginTools.Loaded plugins = PluginTools.load(
                plugins(machine), pluginsFolder != null, FileTrust.forCurrentUser(), BuiltinTools.NAMES);
        AgentTools agentTools = new AgentTools(
                machine,
                dir,
                host,
                clock,
                // Output readers run on virtual threads that end with each command.
                Optional.of(new CommandRunner(
                        Executors.newVirtualThreadPerTaskExecutor(),
                        clock,
                        1 << 20,
                        processGroups,
                        CommandRunner.DEFAULT_GRACE)),
                plugins,
                identity.hub().toString(),
                codec.mapper());
        CurrentToolbox toolbox = agentTools.current();
        EffectivePolicy policy = toolbox.get().policy();
        if (toolbox.get().root() == null) {
            log.atInfo()
                    .addKeyValue("machinePolicy", policy.machineSource())
                    .log(
                            root == null
                                    ? "no --root set: file tools are off"
                                    : "--root lies under no root of the machine policy: file tools are off");
        }
        ConnectionSettings settings = ConnectionSettings.DEFAULT.withBackoff(backoffBase, backoffCap);
        if (rotateKeyEvery.isNegative()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--rotate-key-every must not be negative (0 turns scheduled rotation off)");
        }
        CurrentIdentity currentIdentity = new CurrentIdentity(identityFile, identity);

        status.updateState(UpdateState.detect(
                AgentVersion.current(), System.getProperty("jpackage.app-path"), System.getProperty("os.name", "")));
        PauseSwitch pause = new PauseSwitch(new PauseFile(dir, codec.mapper()), clock);
        status.paused(pause.get());
        RecentLog recentLog = RecentLog.attach(50);
        AuditLog auditLog = new AuditLog(dir, 10L << 20, 5, clock, codec.mapper());

        try (JobJournal journal = JobJournal.open(dir, codec.mapper(), JournalLimits.DEFAULT, clock);
                ExecutorService pageThreads = Executors.newVirtualThreadPerTaskExecutor();
                ExecutorService jobs = Executors.newVirtualThreadPerTaskExecutor();
                ScheduledExecutorService scheduler = newScheduler("enginex-heartbeat");
                // Rotations block on HTTP, so they get their own thread, away from heartbeats.
                ScheduledExecutorService rotations = newScheduler("enginex-key-rotation");
                HubClient hub = new HubClient(
                        identity.hub(), identity.trust(), System.getenv(), Duration.ofSeconds(20), codec.mapper())) {
            // Before connecting: the hub must hear "interrupted" only once the command stopped acting.
            new OrphanTrees(journal, processGroups, clock).endAll(CommandRunner.DEFAULT_GRACE);
            SessionOutbox outbox = new SessionOutbox();
            outbox.state(pause.get());
            pause.onChange(change -> {
                outbox.state(change.now());
                status.paused(change.now());
                auditLog.recordLocal(change.now() != null ? "paused" : "resumed", change.by(), change.via());
            });
            JobRunner runner = JobRunner.builder(journal, outbox, jobs, clock)
                    .tools(() -> toolbox.get().registry(), tool -> toolbox.get().concurrencyOf(tool))
                    .maxConcurrent(maxConcurrentJobs)
                    .audit(auditLog)
                    .pause(pause)
                    .build();
            LocalUi ui = noUi
                    ? LocalUi.OFF
                    : LocalUi.start(
                            uiPort,
                            uiDir == null ? dir : uiDir,
                            uiGroup,
                            () -> StatusReport.live(dir, status.current(), recentLog.lines(), codec.mapper()),
                            pause,
                            clock,
                            codec.mapper(),
                            pageThreads);
            status.ui(ui.url());
            HubConnection connection = new HubConnection(
                    hub,
                    currentIdentity,
                    agentTools::profile,
                    agentTools,
                    codec,
                    new ClientAssertion(clock, new SecureRandom(), codec.mapper()),
                    Inbound.of(runner::dispatch, runner::cancel),
                    outbox,
                    scheduler,
                    settings,
                    new SplittableRandom(),
                    new StatusUpdates(status, welcome -> {
                        out.println("Connected to " + identity.hub() + " as " + welcome.agentId() + " (tenant "
                                + welcome.tenant() + "); tools: "
                                + String.join(", ", toolbox.get().registry().names()));
                        out.flush();
                    }));
            log.atInfo()
                    .addKeyValue("agentId", identity.agentId())
                    .addKeyValue("hub", identity.hub())
                    .addKeyValue("trust", identity.trust().describe())
                    .addKeyValue("stateDir", dir)
                    .addKeyValue(
                            "tools", String.join(",", toolbox.get().registry().names()))
                    .addKeyValue("machinePolicy", policy.machineSource())
                    .log("agent starting");
            status.agent(identity.hub().toString(), identity.agentId(), identity.tenant());
            status.state("connecting");
            new ScheduledKeyRotation(
                            KeyRotationSchedule.every(rotateKeyEvery, clock),
                            currentIdentity,
                            new KeyRotation(
                                    hub,
                                    identityFile,
                                    new ClientAssertion(clock, new SecureRandom(), codec.mapper()),
                                    clock),
                            rotations)
                    .start();
            // State changes are written as they happen (StatusUpdates); this only refreshes lastConnectedAt.
            scheduler.scheduleWithFixedDelay(status::stillConnected, 30, 30, TimeUnit.SECONDS);
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
            ConnectionOutcome outcome;
            try {
                outcome = runUntilStopped(connection, runner);
            } finally {
                ui.close();
            }
            status.state(outcome.kind() == ConnectionOutcome.Kind.REVOKED ? "revoked" : "stopped");
            if (outcome.kind() == ConnectionOutcome.Kind.REVOKED) {
                status.error(outcome.message());
            }
            status.flush();
            if (outcome.kind() == ConnectionOutcome.Kind.REVOKED) {
                spec.commandLine().getErr().println("error: " + outcome.message());
                spec.commandLine().getErr().flush();
                return ExitCodes.REVOKED;
            }
            return ExitCodes.OK;
        }
    }

    /** The agent under the Service Control Manager: output goes to the service log, errors too. */
    private int callAsService() {
        spec.commandLine().setOut(new PrintWriter(System.out, true));
        spec.commandLine().setErr(new PrintWriter(System.err, true));
        try {
            return call();
        } catch (RuntimeException e) {
            System.err.println("error: " + e.getMessage());
            e.printStackTrace(System.err);
            return ExitCodes.FAILURE;
        }
    }

    private Path plugins(PolicySetup.Machine machine) {
        return pluginsFolder != null ? pluginsFolder : machine.defaultPlugins();
    }

    private static ScheduledExecutorService newScheduler(String threadName) {
        ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(
                1, Thread.ofPlatform().daemon().name(threadName).factory());
        // At exit, pending delayed work (a close timeout) must not hold the process up.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setRemoveOnCancelPolicy(true);
        return scheduler;
    }

    /**
     * Runs the loop on this thread. A shutdown signal (SIGTERM, Ctrl+C, the service manager's stop)
     * first stops the jobs and reports them, then closes the connection and waits briefly for the
     * loop to end.
     */
    private static ConnectionOutcome runUntilStopped(HubConnection connection, JobRunner runner) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(
                () -> {
                    // Jobs first, while the connection is up: each running tool (an exec command's
                    // whole process tree) ends and its job is reported interrupted; then close.
                    int left = runner.stop(JobRunner.TOOL_END_LIMIT);
                    log.atInfo().addKeyValue("jobsLeftRunning", left).log("jobs stopped; closing the connection");
                    connection.stop();
                    try {
                        done.await(5, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                "enginex-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return connection.run();
        } finally {
            runner.close();
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Already shutting down: the hook is running and about to see done.
            }
        }
    }
}
