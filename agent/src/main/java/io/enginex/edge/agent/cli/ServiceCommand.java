package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.service.LaunchdDaemon;
import io.enginex.edge.agent.service.ServiceDefinition;
import io.enginex.edge.agent.service.ServicePlan;
import io.enginex.edge.agent.service.ServicePlatform;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.service.SystemdUserUnit;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code enginex-agent service install|uninstall|start|stop|status}: the agent as a system service for
 * archive installs (the packages bring their own). Works out a {@link ServicePlan} for this OS's
 * service manager, then carries it out, or prints it with {@code --dry-run}.
 */
@Command(
        name = "service",
        mixinStandardHelpOptions = true,
        description = {
            "Runs this agent as a system service, for installs from the archive (the .deb/.rpm/.msi/.pkg"
                    + " packages set the service up themselves). Linux: a systemd unit; macOS: a LaunchDaemon and"
                    + " the LaunchAgent that starts the user session part at login; Windows: sc.exe and the logon task that starts the user session part. Needs administrator rights; --dry-run shows what would be done.",
            "Linux without administrator rights: --per-user installs it for you alone as a systemd user unit"
                    + " (~/.config/systemd/user), its state in ~/.local/state/enginex-agent and its config in"
                    + " ~/.config/enginex-agent/agent.conf, running with your rights only."
        },
        subcommands = {
            ServiceCommand.Install.class,
            ServiceCommand.Configure.class,
            ServiceCommand.Uninstall.class,
            ServiceCommand.RemoveState.class,
            ServiceCommand.RemoveSessionTask.class,
            ServiceCommand.Start.class,
            ServiceCommand.Stop.class,
            ServiceCommand.Status.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  sudo enginex-agent service install --config /etc/enginex-agent/agent.conf",
            "  enginex-agent service install --dry-run",
            "  sudo enginex-agent service status",
            "  sudo enginex-agent service uninstall",
            "  enginex-agent service install --per-user     (no sudo: for you alone)"
        })
final class ServiceCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Actions on the service's state directory. */
    static class WithState extends Common {
        @Option(
                names = "--state-dir",
                paramLabel = "DIR",
                description = "The service's state directory (default: ${DEFAULT-VALUE}).")
        Path stateDir = Defaults.stateDir();
    }

    /** Actions on the state directory and the admin-owned config file. */
    static class WithFiles extends WithState {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                description = "The admin-owned config file (default: ${DEFAULT-VALUE}).")
        Path config = Defaults.config();

        /**
         * With --per-user, the XDG folders unless --config/--state-dir name others.
         *
         * @return the user's unit, or null without --per-user
         */
        SystemdUserUnit perUserPaths() {
            if (!perUser) {
                return null;
            }
            SystemdUserUnit unit = perUserUnit();
            if (!matched("--config")) {
                config = unit.configFile();
            }
            if (!matched("--state-dir")) {
                stateDir = unit.stateDir();
            }
            return unit;
        }
    }

    /** Options every action has. */
    static class Common {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dry-run", description = "Print the files and commands instead of running them.")
        boolean dryRun;

        @Option(
                names = "--per-user",
                description = "Linux, without administrator rights: the agent for the user running the command, as a"
                        + " systemd user unit (~/.config/systemd/user/enginex-agent.service); not as root.")
        boolean perUser;

        ServicePlatform platform() {
            return ServicePlatform.forOs(System.getProperty("os.name", ""));
        }

        /**
         * The user's unit for --per-user, after the checks that it can be done here: Linux, not root, and
         * (unless only printed) a user manager that answers.
         */
        SystemdUserUnit perUserUnit() {
            String refusal = SystemdUserUnit.refusal(
                    System.getProperty("os.name", ""), currentUid(), dryRun || userManagerRuns());
            if (refusal != null) {
                throw new IllegalArgumentException(refusal);
            }
            return new SystemdUserUnit(System.getenv());
        }

        boolean matched(String option) {
            return spec.commandLine().getParseResult().hasMatchedOption(option);
        }

        /** This process's uid (the owner of /proc/self); -1 where there is no /proc. */
        static long currentUid() {
            try {
                return ((Number) Files.getAttribute(Path.of("/proc/self"), "unix:uid")).longValue();
            } catch (IOException | UnsupportedOperationException e) {
                return -1;
            }
        }

        /** Whether systemctl --user reaches this user's service manager. */
        static boolean userManagerRuns() {
            try {
                Process check = new ProcessBuilder("systemctl", "--user", "show-environment")
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start();
                return check.waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }

        int carryOut(ServicePlan plan) {
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                describe(plan, out);
                out.flush();
                return ExitCodes.OK;
            }
            try {
                for (Path dir : plan.directories()) {
                    Files.createDirectories(dir);
                }
                for (Path file : plan.touch()) {
                    if (Files.notExists(file)) {
                        Files.writeString(file, "# EngineX agent configuration (docs/INSTALL.md)\n");
                        out.println("created " + file);
                    }
                }
                for (Map.Entry<Path, String> file : plan.write().entrySet()) {
                    Files.createDirectories(file.getKey().toAbsolutePath().getParent());
                    Files.write(file.getKey(), ServicePlan.bytes(file.getValue()));
                    out.println("wrote " + file.getKey());
                }
                int status = ExitCodes.OK;
                for (List<String> command : plan.commands()) {
                    out.println("$ " + String.join(" ", command));
                    out.flush();
                    int exit = new ProcessBuilder(command).inheritIO().start().waitFor();
                    if (exit != 0 && !plan.ignoreFailures()) {
                        spec.commandLine()
                                .getErr()
                                .println("error: " + command.get(0) + " ended with exit code " + exit
                                        + "; see its message above."
                                        + (perUser ? "" : " Run with administrator rights (sudo)?"));
                        return ExitCodes.FAILURE;
                    }
                    status = exit == 0 ? status : ExitCodes.FAILURE;
                }
                for (Path file : plan.delete()) {
                    if (Files.deleteIfExists(file)) {
                        out.println("deleted " + file);
                    }
                }
                out.flush();
                return plan.ignoreFailures() ? ExitCodes.OK : status;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot change the service (" + e.getMessage()
                                + "); run with administrator rights (sudo, or an elevated prompt on Windows)",
                        e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ExitCodes.FAILURE;
            }
        }

        static void describe(ServicePlan plan, PrintWriter out) {
            plan.directories().forEach(dir -> out.println("# would create the folder " + dir));
            plan.touch().forEach(file -> out.println("# would create " + file + " when missing"));
            plan.write().forEach((path, text) -> {
                out.println("# would write " + path + ":");
                out.print(text);
            });
            plan.commands().forEach(command -> out.println("# would run: " + String.join(" ", command)));
            plan.delete().forEach(path -> out.println("# would delete " + path));
        }
    }

    @Command(
            name = "install",
            mixinStandardHelpOptions = true,
            description = "Installs and starts the service; it enrols with the config file's server and token on"
                    + " first start (see docs/INSTALL.md).",
            footerHeading = "%nExamples:%n",
            footer = {
                "  sudo useradd --system --home-dir /var/lib/enginex-agent --shell /usr/sbin/nologin enginex-agent",
                "  sudo enginex-agent service install",
                "  enginex-agent service install --config ./agent.conf --state-dir /srv/agent --dry-run"
            })
    static final class Install extends WithFiles implements Callable<Integer> {
        @Option(
                names = "--user",
                paramLabel = "NAME",
                description = "The account it runs as (Linux default: enginex-agent; macOS: root; Windows: the virtual"
                        + " account NT SERVICE\\enginex-agent, or LocalSystem).")
        String user = Defaults.user();

        @Option(
                names = "--status-agent",
                description = "macOS: also install the LaunchAgent that opens the status page when a user logs in.")
        boolean statusAgent;

        @Override
        public Integer call() {
            if (perUser) {
                return installPerUser();
            }
            ServicePlan plan = platform().install(new ServiceDefinition(command(), user, stateDir, config));
            if (statusAgent) {
                if (!(platform() instanceof LaunchdDaemon)) {
                    throw new IllegalArgumentException(
                            "--status-agent is for macOS; elsewhere open the status page with enginex-agent ui");
                }
                Map<Path, String> write = new java.util.HashMap<>(plan.write());
                write.put(
                        LaunchdDaemon.STATUS_AGENT_PLIST,
                        LaunchdDaemon.renderStatusAgent(command().get(0)));
                plan = new ServicePlan(
                        write, plan.delete(), plan.commands(), plan.ignoreFailures(), plan.directories(), plan.touch());
            }
            return carryOut(plan);
        }

        List<String> command() {
            return command(Defaults.os(), System.getenv());
        }

        /**
         * The per-user install: the XDG folders unless --config/--state-dir say otherwise, made private to
         * the user (700, the config file 600) before the unit starts, then the advice about lingering.
         */
        private int installPerUser() {
            if (matched("--user") || statusAgent) {
                throw new IllegalArgumentException(
                        "--per-user runs the agent as you: leave out --user and --status-agent");
            }
            SystemdUserUnit unit = perUserPaths();
            ServicePlan plan = unit.install(new ServiceDefinition(runCommand(), null, stateDir, config));
            if (!dryRun) {
                makePrivate(stateDir, config);
            }
            int status = carryOut(plan);
            PrintWriter out = spec.commandLine().getOut();
            if (status == ExitCodes.OK && !dryRun) {
                String name = System.getProperty("user.name", "");
                out.println("Installed for " + name + ": systemctl --user status enginex-agent; config " + config
                        + ", state " + stateDir + ".");
                out.println(SystemdUserUnit.lingerAdvice(name, Files.exists(Path.of("/var/lib/systemd/linger", name))));
                out.flush();
            }
            return status;
        }

        /** The state folder and the config's folder mode 700, the config file 600 (it will hold the token). */
        private static void makePrivate(Path stateDir, Path config) {
            var owner = java.nio.file.attribute.PosixFilePermissions.fromString("rwx------");
            try {
                for (Path dir : List.of(stateDir, config.toAbsolutePath().getParent())) {
                    if (Files.notExists(dir)) {
                        Files.createDirectories(dir);
                        Files.setPosixFilePermissions(dir, owner);
                    }
                }
                if (Files.notExists(config)) {
                    Files.writeString(config, "# EngineX agent configuration (docs/INSTALL.md)\n");
                }
                Files.setPosixFilePermissions(
                        config, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot prepare " + stateDir + " and " + config + ": " + e.getMessage(), e);
            }
        }

        /** The launcher, then {@code run} with this config and state folder (a new list to add to). */
        private List<String> runCommand() {
            List<String> command = new ArrayList<>(launcher());
            command.addAll(List.of(
                    "run",
                    "--config",
                    config.toAbsolutePath().toString(),
                    "--state-dir",
                    stateDir.toAbsolutePath().toString()));
            return command;
        }

        /** The service's command line on {@code os}: run with this config, state and ui folder. */
        List<String> command(String os, Map<String, String> env) {
            List<String> command = runCommand();
            // The status page's ui.json goes where `enginex-agent ui` looks for it (Defaults.uiDir) on
            // every system; only Linux hands it to the group of people allowed to open the page.
            command.addAll(List.of("--ui-dir", Defaults.uiDir(os, env).toString()));
            if (Defaults.base(os, env) == null) {
                command.addAll(List.of("--ui-group", ServiceDefinition.UI_GROUP));
            }
            // The signed-in users' session parts connect here (Linux: as with the packages' unit; macOS: the
            // session LaunchAgent; Windows: the logon task, proving their user with a token).
            command.addAll(
                    List.of("--session-socket", Defaults.sessionSocket(os, env).toString()));
            return command;
        }

        /** This agent's own launcher: the jpackage one when packaged, else this Java with this jar. */
        static List<String> launcher() {
            String appPath = System.getProperty("jpackage.app-path");
            if (appPath != null) {
                return List.of(appPath);
            }
            String java = ProcessHandle.current().info().command().orElse("java");
            try {
                Path jar = Path.of(AgentCommand.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI());
                return List.of(java, "-XX:+UseSerialGC", "-Xmx96m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
            } catch (URISyntaxException e) {
                throw new IllegalStateException("cannot tell where enginex-agent.jar is: " + e.getMessage(), e);
            }
        }
    }

    @Command(
            name = "configure",
            mixinStandardHelpOptions = true,
            description = {
                "For a service that already exists (the MSI runs this): sets server, token and pin in the"
                        + " config file, then the folders' access and the recovery actions (Windows). The token never"
                        + " lands in a file others can read: access is set before it is written.",
                "Empty values leave the file's lines as they are."
            },
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent service configure --server https://hub.example.com --token exr_… --dry-run"})
    static final class Configure extends WithFiles implements Callable<Integer> {
        @Option(
                names = "--user",
                paramLabel = "NAME",
                description = "The account the service runs as (as for install).")
        String user = Defaults.user();

        @Option(
                names = "--server",
                paramLabel = "URL",
                description = "The hub's URL, written as server = URL (a hub of several nodes: URLs separated by"
                        + " commas).")
        String server;

        @Option(
                names = "--token",
                paramLabel = "TOKEN",
                description = "A registration token, written as token = TOKEN.")
        String token;

        @Option(
                names = "--pin",
                paramLabel = "SHA256",
                description = "The hub certificate's fingerprint, written as pin =.")
        String pin;

        @Override
        public Integer call() {
            perUserPaths();
            // The launcher: the logon task of the session part (Windows) runs it.
            ServiceDefinition service = new ServiceDefinition(Install.launcher(), user, stateDir, config);
            int status = perUser ? ExitCodes.OK : carryOut(platform().configure(service));
            Map<String, String> values = new java.util.LinkedHashMap<>();
            putIfSet(values, "server", server);
            putIfSet(values, "token", token);
            putIfSet(values, "pin", pin);
            if (status != ExitCodes.OK || values.isEmpty()) {
                return status;
            }
            PrintWriter out = spec.commandLine().getOut();
            if (dryRun) {
                out.println("# would set " + String.join(", ", values.keySet()) + " in " + config);
            } else {
                ConfigLines.set(config, values);
                out.println("set " + String.join(", ", values.keySet()) + " in " + config);
            }
            out.flush();
            return ExitCodes.OK;
        }

        private static void putIfSet(Map<String, String> values, String key, String value) {
            if (value != null && !value.isBlank()) {
                values.put(key, value.strip());
            }
        }
    }

    @Command(
            name = "uninstall",
            mixinStandardHelpOptions = true,
            description = "Stops and removes the service; keeps state and config. With --deregister it first tells"
                    + " the hub the agent is leaving and deletes its identity (see enginex-agent deregister).",
            footerHeading = "%nExamples:%n",
            footer = {
                "  sudo enginex-agent service uninstall",
                "  sudo enginex-agent service uninstall --deregister",
                "  sudo enginex-agent service uninstall --deregister --force   (hub unreachable: delete anyway)"
            })
    static final class Uninstall extends WithState implements Callable<Integer> {
        @Option(
                names = "--deregister",
                description = "Deregister from the hub first (signed with the device key); without the hub the"
                        + " uninstall stops here unless --force is given.")
        boolean deregister;

        @Option(names = "--keep-state", description = "With --deregister: keep the state directory's files.")
        boolean keepState;

        @Option(
                names = "--force",
                description = "With --deregister: delete the identity even if the hub cannot be told.")
        boolean force;

        @Override
        public Integer call() {
            if (perUser && !matched("--state-dir")) {
                stateDir = new SystemdUserUnit(System.getenv()).stateDir();
            }
            if (deregister && !dryRun) {
                int deregistered = DeregisterCommand.run(spec, stateDir, keepState, force);
                if (deregistered != ExitCodes.OK) {
                    return deregistered;
                }
            } else if (deregister) {
                spec.commandLine()
                        .getOut()
                        .println("# would run: enginex-agent deregister --state-dir " + stateDir
                                + (keepState ? " --keep-state" : "") + (force ? " --force" : ""));
            }
            return carryOut(perUser ? perUserUnit().uninstall() : platform().uninstall());
        }
    }

    @Command(
            name = "remove-state",
            mixinStandardHelpOptions = true,
            description = {
                "Deletes the agent's state (identity, journal, audit log, service log), its config file and the"
                        + " machine policy beside it, then the folder that held them when it is empty. For uninstalls"
                        + " that leave nothing behind (the MSI runs it with KEEP_STATE=0); run deregister first to tell"
                        + " the hub. Refuses a state folder that does not look like the agent's."
            },
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent service remove-state --dry-run"})
    static final class RemoveState extends WithFiles implements Callable<Integer> {
        static final List<String> STATE_FILES = List.of(
                IdentityFile.FILE_NAME, StatusFile.FILE_NAME, JobJournal.FILE_NAME, AuditLog.FILE, "enginex-agent.log");

        @Override
        public Integer call() throws IOException {
            perUserPaths();
            PrintWriter out = spec.commandLine().getOut();
            Path state = stateDir.toAbsolutePath().normalize();
            if (Files.isDirectory(state) && !looksLikeAgentState(state)) {
                throw new IllegalArgumentException(state + " holds none of " + String.join(", ", STATE_FILES)
                        + ": not deleting a folder that does not look like the agent's state; check --state-dir");
            }
            Path base = config.toAbsolutePath().getParent();
            List<Path> files = List.of(config.toAbsolutePath(), base.resolve("policy.json"));
            if (dryRun) {
                out.println("# would delete " + state + " and everything in it");
                files.forEach(file -> out.println("# would delete " + file));
                out.println("# would delete " + base + " if empty");
                out.flush();
                return ExitCodes.OK;
            }
            if (Files.isDirectory(state)) {
                try (var walk = Files.walk(state)) {
                    for (Path path :
                            walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(path);
                    }
                }
                out.println("deleted " + state);
            }
            for (Path file : files) {
                if (Files.deleteIfExists(file)) {
                    out.println("deleted " + file);
                }
            }
            try (var left = Files.list(base)) {
                if (left.findAny().isEmpty()) {
                    Files.delete(base);
                    out.println("deleted " + base);
                }
            } catch (java.nio.file.NoSuchFileException e) {
                // Nothing there.
            }
            out.flush();
            return ExitCodes.OK;
        }

        static boolean looksLikeAgentState(Path dir) throws IOException {
            try (var entries = Files.list(dir)) {
                List<String> names =
                        entries.map(p -> p.getFileName().toString()).toList();
                return names.isEmpty() || names.stream().anyMatch(STATE_FILES::contains);
            }
        }
    }

    @Command(
            name = "remove-session-task",
            mixinStandardHelpOptions = true,
            description = "Windows: deletes the logon task that starts the user session part (the MSI runs this on"
                    + " removal; service uninstall does it too).")
    static final class RemoveSessionTask extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            if (Defaults.base() == null || !Defaults.os().startsWith("windows")) {
                throw new IllegalArgumentException(
                        "remove-session-task is for Windows; elsewhere use service uninstall");
            }
            return carryOut(new ServicePlan(
                    Map.of(),
                    List.of(io.enginex.edge.agent.service.WindowsSessionTask.xmlFile(Defaults.base())),
                    List.of(io.enginex.edge.agent.service.WindowsSessionTask.delete()),
                    true));
        }
    }

    @Command(name = "start", mixinStandardHelpOptions = true, description = "Starts the service.")
    static final class Start extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            return carryOut(perUser ? perUserUnit().start() : platform().start());
        }
    }

    @Command(name = "stop", mixinStandardHelpOptions = true, description = "Stops the service.")
    static final class Stop extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            return carryOut(perUser ? perUserUnit().stop() : platform().stop());
        }
    }

    @Command(
            name = "status",
            mixinStandardHelpOptions = true,
            description = "The service manager's view (enginex-agent status shows the agent's own).")
    static final class Status extends Common implements Callable<Integer> {
        @Override
        public Integer call() {
            return carryOut(perUser ? perUserUnit().status() : platform().status());
        }
    }

    /** Per-OS defaults for service installs. */
    static final class Defaults {
        private Defaults() {}

        static String os() {
            return System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        }

        static Path base() {
            return base(os(), System.getenv());
        }

        /** The service's base folder on macOS and Windows; null on Linux (which uses /etc, /var/lib, /run). */
        static Path base(String os, Map<String, String> env) {
            String name = os.toLowerCase(Locale.ROOT);
            if (name.startsWith("windows")) {
                String data = env.getOrDefault("ProgramData", "C:\\ProgramData");
                return Path.of(data, "EngineX", "Agent");
            }
            if (name.startsWith("mac")) {
                return ServiceDefinition.MACOS_BASE;
            }
            return null;
        }

        /** Where the service writes ui.json and {@code ui}, {@code pause}, {@code resume} read it. */
        static Path uiDir() {
            return uiDir(os(), System.getenv());
        }

        static Path uiDir(String os, Map<String, String> env) {
            Path base = base(os, env);
            return base == null ? ServiceDefinition.LINUX_UI_DIR : base.resolve("ui");
        }

        /** Where the service listens for session parts, and {@code session} connects. */
        static Path sessionSocket() {
            return sessionSocket(os(), System.getenv());
        }

        static Path sessionSocket(String os, Map<String, String> env) {
            String name = os.toLowerCase(Locale.ROOT);
            if (name.startsWith("windows")) {
                // AF_UNIX (Windows 10 1803, Server 2019 and later); the tokens go beside it in run\\sessions.
                return base(os, env).resolve("run").resolve("session.sock");
            }
            return name.startsWith("mac")
                    ? ServiceDefinition.MACOS_SESSION_SOCKET
                    : ServiceDefinition.LINUX_SESSION_SOCKET;
        }

        /** The service's state folder; agents installed before the ui folder wrote ui.json there. */
        static Path stateDir(String os, Map<String, String> env) {
            Path base = base(os, env);
            return base == null ? Path.of("/var/lib/enginex-agent") : base.resolve("state");
        }

        static Path config() {
            Path base = base();
            return base == null ? Path.of("/etc/enginex-agent/agent.conf") : base.resolve("agent.conf");
        }

        static Path stateDir() {
            return stateDir(os(), System.getenv());
        }

        static String user() {
            return base() == null ? ServiceDefinition.NAME : null;
        }
    }
}
