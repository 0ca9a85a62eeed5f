package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.runtime.AgentRuntime;
import io.enginex.edge.agent.runtime.RunConfig;
import io.enginex.edge.agent.runtime.RunEnvironment;
import io.enginex.edge.agent.runtime.RunOutcome;
import io.enginex.edge.agent.service.ServiceDefinition;
import io.enginex.edge.agent.service.WindowsServiceHost;
import io.enginex.edge.agent.update.UpdateConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code enginex-agent run}: connect to the hub and serve jobs until stopped. A thin adapter: parses
 * the options into a {@link RunConfig}, runs the {@link AgentRuntime} and maps how it ended to an
 * exit code.
 */
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
            names = "--upload-rate",
            paramLabel = "BYTES_PER_SECOND",
            defaultValue = "0",
            description = "Upload graph step outputs kept as files (over 64 KiB) at about this many bytes a"
                    + " second, for links where bandwidth is dear (default 0: no cap; they go one chunk at a time"
                    + " behind live jobs' frames either way).")
    long uploadRate;

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
        RunOutcome outcome = new AgentRuntime(
                        config(), RunEnvironment.system(spec.commandLine().getOut()))
                .run();
        PrintWriter err = spec.commandLine().getErr();
        return switch (outcome.kind()) {
            case STOPPED -> ExitCodes.OK;
            case NOT_REGISTERED -> {
                err.println("error: " + outcome.message());
                yield ExitCodes.USAGE;
            }
            case RESTART -> {
                err.println(outcome.message());
                err.flush();
                yield ExitCodes.RESTART;
            }
            case REVOKED -> {
                err.println("error: " + outcome.message());
                err.flush();
                yield ExitCodes.REVOKED;
            }
        };
    }

    @Option(
            names = "--session-socket",
            paramLabel = "FILE",
            description = "Take the signed-in users' session parts (enginex-agent session) on this Unix socket,"
                    + " for the desktop tools (app.list, app.launch, app.open, desktop.notify). Every account may"
                    + " connect; the kernel's peer credentials decide who is accepted (--session-users); on Windows"
                    + " a token the service makes for each user in the folder sessions beside the socket. The"
                    + " package's service uses /run/enginex-agent/session.sock.")
    Path sessionSocket;

    @Option(
            names = "--session-users",
            paramLabel = "NAMES",
            description = "Whose session parts are accepted: user names separated by commas, or * for every account"
                    + " but root and the agent's own (default: session-users in the config file, else nobody).")
    String sessionUsers;

    @Option(
            names = "--update-root",
            paramLabel = "FILE",
            description = "The update repository's root.json, pinned by the installer (engine release keys init"
                    + " makes it). Copied into the state directory on first start; without it (and without one"
                    + " there) the agent does not check for updates. See docs/UPDATE.md.")
    Path updateRoot;

    @Option(
            names = "--update-home",
            paramLabel = "DIR",
            description = "Self-update: the install folder with versions/ and the current link the service starts"
                    + " from. Without it the agent only reports an available version (a package manager updates it).")
    Path updateHome;

    @Option(
            names = "--update-mode",
            paramLabel = "self|managed",
            description = "self: replace itself with the versions the hub's repository offers, also when a package"
                    + " manager installed it (the update home is --update-home, else STATE_DIR/releases); managed:"
                    + " only report them. Default: update-mode in agent.conf, else self with --update-home unless"
                    + " a package manager installed the agent.")
    String updateMode;

    @Option(
            names = "--update-channel",
            paramLabel = "NAME",
            defaultValue = "stable",
            description = "The release channel to follow (default ${DEFAULT-VALUE}).")
    String updateChannel;

    @Option(
            names = "--update-every",
            paramLabel = "DURATION",
            defaultValue = "6h",
            converter = DurationConverter.class,
            description = "Time between update checks (default ${DEFAULT-VALUE}); a failed check is retried sooner.")
    Duration updateEvery;

    @Option(
            names = "--update-url",
            paramLabel = "URL",
            description = "The update repository (default: the hub's /updates), e.g. an air-gapped mirror.")
    java.net.URI updateUrl;

    @Option(
            names = "--health-window",
            paramLabel = "DURATION",
            defaultValue = "5m",
            converter = DurationConverter.class,
            description = "How long a new version has to connect and get its hello accepted before it is rolled back"
                    + " (default ${DEFAULT-VALUE}).")
    Duration healthWindow;

    /** The options as the runtime's configuration; a value out of range is a usage error. */
    private RunConfig config() {
        if (maxConcurrentJobs < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-concurrent-jobs must be at least 1");
        }
        if (rotateKeyEvery.isNegative()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--rotate-key-every must not be negative (0 turns scheduled rotation off)");
        }
        RunConfig.Builder run = RunConfig.builder(StateDirectory.resolve(stateDir))
                .root(root)
                .machinePolicy(machinePolicy)
                .plugins(pluginsFolder)
                .configFile(config)
                .maxConcurrentJobs(maxConcurrentJobs)
                .uploadRate(uploadRate)
                .rotateKeyEvery(rotateKeyEvery)
                .backoff(backoffBase, backoffCap)
                .sessions(sessionSocket, sessionUsers);
        if (noUi) {
            run.noUi();
        } else {
            run.ui(uiPort, uiDir, uiGroup);
        }
        try {
            run.update(new UpdateConfig(
                    updateRoot, updateHome, updateChannel, updateEvery, updateUrl, healthWindow, 3, updateMode));
            return run.build();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
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
}
