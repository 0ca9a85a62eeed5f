package io.enginex.edge.agent.service;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * macOS: a LaunchDaemon {@code /Library/LaunchDaemons/io.enginex.agent.plist} (runs at boot, as the
 * given user, kept alive after a crash but not after a clean exit or exit code 3), loaded with {@code
 * launchctl bootstrap system}. When its command listens for session parts ({@code --session-socket}),
 * also the LaunchAgent {@link #SESSION_AGENT_PLIST} that runs {@code enginex-agent session} in every
 * user's Aqua session, loaded at once into the GUI domains of the users logged in now.
 */
public final class LaunchdDaemon implements ServicePlatform {
    public static final Path PLIST = Path.of("/Library/LaunchDaemons/" + ServiceDefinition.LABEL + ".plist");

    /** The session part's launchd label. */
    public static final String SESSION_LABEL = ServiceDefinition.LABEL + ".session";

    /** The LaunchAgent that runs the session part for every user who logs in (docs/INSTALL.md). */
    public static final Path SESSION_AGENT_PLIST = Path.of("/Library/LaunchAgents/" + SESSION_LABEL + ".plist");

    /** The session part's log, under each user's home (one plist serves every user; StandardOutPath is fixed). */
    static final String SESSION_LOG = "Library/Logs/EngineX/enginex-agent-session.log";

    /**
     * Loads the LaunchAgent into one user's GUI domain ($0: the uid, $1: the plist), replacing a loaded
     * copy so a second install changes nothing; a user whose domain refuses it gets it at the next login,
     * so this never fails the install.
     */
    static final String BOOTSTRAP_GUI = "launchctl bootout gui/$0/" + SESSION_LABEL + " 2>/dev/null;"
            + " launchctl bootstrap gui/$0 \"$1\" || echo \"enginex-agent: the session part starts at the next"
            + " login of uid $0\" >&2";

    /** The optional per-user LaunchAgent that opens the status page at login (every user of the Mac). */
    public static final Path STATUS_AGENT_PLIST =
            Path.of("/Library/LaunchAgents/" + ServiceDefinition.LABEL + ".ui.plist");

    static final String LOG = "/Library/Logs/EngineX/enginex-agent.log";

    private final Supplier<List<Long>> guiUsers;

    /** For this Mac: the users logged in now are those a loginwindow runs for. */
    public LaunchdDaemon() {
        this(LaunchdDaemon::loggedInUsers);
    }

    /** @param guiUsers the uids whose GUI domain gets the session LaunchAgent now (tests) */
    public LaunchdDaemon(Supplier<List<Long>> guiUsers) {
        this.guiUsers = guiUsers;
    }

    /**
     * The LaunchAgent's text: runs {@code enginex-agent ui} once when a user logs in (the page shows
     * the daemon's connection state, jobs and log tail, with the pause switch), never kept alive, in
     * the Aqua session only. Installed by {@code service install --status-agent} or an MDM profile.
     */
    public static String renderStatusAgent(String launcher) {
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s.ui</string>
                  <key>ProgramArguments</key>
                  <array>
                    <string>%s</string>
                    <string>ui</string>
                  </array>
                  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <false/>
                  <key>LimitLoadToSessionType</key>
                  <string>Aqua</string>
                  <key>ProcessType</key>
                  <string>Interactive</string>
                </dict>
                </plist>
                """.formatted(ServiceDefinition.LABEL, xml(launcher));
    }

    /** The property list's text. */
    public static String render(ServiceDefinition service) {
        String arguments = stringArray(service.command());
        String user =
                service.user() == null ? "" : "  <key>UserName</key>\n  <string>" + xml(service.user()) + "</string>\n";
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                %s  </array>
                %s  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <dict>
                    <key>SuccessfulExit</key>
                    <false/>
                  </dict>
                  <key>ThrottleInterval</key>
                  <integer>10</integer>
                  <key>Umask</key>
                  <integer>63</integer>
                  <key>StandardErrorPath</key>
                  <string>%s</string>
                  <key>StandardOutPath</key>
                  <string>%s</string>
                </dict>
                </plist>
                """.formatted(ServiceDefinition.LABEL, arguments, user, LOG, LOG);
    }

    /** The {@code <string>} elements of a {@code ProgramArguments} array, one a line, escaped. */
    private static String stringArray(List<String> words) {
        StringBuilder arguments = new StringBuilder();
        for (String word : words) {
            arguments.append("    <string>").append(xml(word)).append("</string>\n");
        }
        return arguments.toString();
    }

    /**
     * The session LaunchAgent's text: in every user's Aqua session, at login, {@code enginex-agent
     * session --retry-refused --socket SOCKET}, started again after a failure (not after a clean exit),
     * its output appended to {@code ~/}{@value #SESSION_LOG}. A shell starts it because this one plist
     * serves every user, and launchd's StandardOutPath is one fixed path.
     *
     * @param launcher the agent's launcher, program first (the jpackage launcher, or java … -jar)
     * @param serviceUser the daemon's account when not root (then passed as {@code --service-user}, the
     *     only account whose socket the session part uses), else null
     */
    public static String renderSessionAgent(List<String> launcher, Path socket, String serviceUser) {
        List<String> words = new ArrayList<>(List.of(
                "/bin/sh",
                "-c",
                "mkdir -p \"$HOME/" + SESSION_LOG.substring(0, SESSION_LOG.lastIndexOf('/'))
                        + "\" && exec \"$@\" >>\"$HOME/" + SESSION_LOG + "\" 2>&1",
                "sh"));
        words.addAll(launcher);
        words.addAll(List.of("session", "--retry-refused", "--socket", socket.toString()));
        if (serviceUser != null && !serviceUser.equals("root")) {
            words.addAll(List.of("--service-user", serviceUser));
        }
        String arguments = stringArray(words);
        return """
                <?xml version="1.0" encoding="UTF-8"?>
                <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
                <plist version="1.0">
                <dict>
                  <key>Label</key>
                  <string>%s</string>
                  <key>ProgramArguments</key>
                  <array>
                %s  </array>
                  <key>RunAtLoad</key>
                  <true/>
                  <key>KeepAlive</key>
                  <dict>
                    <key>SuccessfulExit</key>
                    <false/>
                  </dict>
                  <key>ThrottleInterval</key>
                  <integer>30</integer>
                  <key>LimitLoadToSessionType</key>
                  <string>Aqua</string>
                </dict>
                </plist>
                """.formatted(SESSION_LABEL, arguments);
    }

    /**
     * Writes the daemon's plist and bootstraps it. With {@code --session-socket S} in its command also:
     * the socket's folder, root's (or the service account's) and mode 755 so every user can reach the
     * socket but none can put another in its place; the session LaunchAgent, mode 644; and that agent
     * loaded into the GUI domain of each user logged in now.
     */
    @Override
    public ServicePlan install(ServiceDefinition service) {
        Map<Path, String> write = new LinkedHashMap<>();
        write.put(PLIST, render(service));
        List<Path> directories = new ArrayList<>();
        List<List<String>> commands = new ArrayList<>();
        Path socket = sessionSocket(service.command());
        if (socket != null) {
            Path folder = socket.getParent();
            directories.add(folder);
            commands.add(List.of("chown", service.user() == null ? "root:wheel" : service.user(), folder.toString()));
            commands.add(List.of("chmod", "755", folder.toString()));
            write.put(SESSION_AGENT_PLIST, renderSessionAgent(launcher(service.command()), socket, service.user()));
            commands.add(List.of("chmod", "644", SESSION_AGENT_PLIST.toString()));
        }
        commands.add(List.of("launchctl", "bootstrap", "system", PLIST.toString()));
        if (socket != null) {
            for (long uid : guiUsers.get()) {
                commands.add(
                        List.of("/bin/sh", "-c", BOOTSTRAP_GUI, Long.toString(uid), SESSION_AGENT_PLIST.toString()));
            }
        }
        return new ServicePlan(write, List.of(), commands, false, directories, List.of());
    }

    /**
     * Stops the daemon and the session parts of the users logged in now, then deletes both LaunchAgents,
     * the daemon's plist and the session socket with its folder.
     */
    @Override
    public ServicePlan uninstall() {
        List<List<String>> commands = new ArrayList<>();
        commands.add(List.of("launchctl", "bootout", "system/" + ServiceDefinition.LABEL));
        for (long uid : guiUsers.get()) {
            commands.add(List.of("launchctl", "bootout", "gui/" + uid + "/" + SESSION_LABEL));
        }
        return new ServicePlan(
                Map.of(),
                List.of(
                        PLIST,
                        STATUS_AGENT_PLIST,
                        SESSION_AGENT_PLIST,
                        ServiceDefinition.MACOS_SESSION_SOCKET,
                        ServiceDefinition.MACOS_SESSION_SOCKET.getParent()),
                commands,
                true);
    }

    /** The value of {@code --session-socket} in the service's command, or null. */
    static Path sessionSocket(List<String> command) {
        int at = command.indexOf("--session-socket");
        return at < 0 || at + 1 >= command.size() ? null : Path.of(command.get(at + 1));
    }

    /** The words of the service's command before {@code run}: the agent's launcher. */
    static List<String> launcher(List<String> command) {
        int run = command.indexOf("run");
        return run < 0 ? List.of(command.get(0)) : command.subList(0, run);
    }

    /**
     * The uids with a GUI session: each has a {@code loginwindow} of its own ({@code ps -axo uid=,comm=});
     * none when ps cannot tell (then the LaunchAgent starts at each user's next login).
     */
    static List<Long> loggedInUsers() {
        try {
            Process ps = new ProcessBuilder("/bin/ps", "-axo", "uid=,comm=")
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return ps.waitFor() == 0 ? guiUsers(out) : List.of();
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /** The uids, other than root's (the login window before anyone logs in), that run a loginwindow. */
    static List<Long> guiUsers(String psOutput) {
        return psOutput.lines()
                .map(String::strip)
                .map(line -> line.split("\\s+", 2))
                .filter(f -> f.length == 2 && f[0].matches("\\d{1,10}") && f[1].matches("(.*/)?loginwindow"))
                .map(f -> Long.parseLong(f[0]))
                .filter(uid -> uid != 0)
                .distinct()
                .sorted()
                .toList();
    }

    @Override
    public ServicePlan start() {
        return ServicePlan.run(List.of(List.of("launchctl", "kickstart", "system/" + ServiceDefinition.LABEL)));
    }

    @Override
    public ServicePlan stop() {
        return ServicePlan.run(List.of(List.of("launchctl", "kill", "SIGTERM", "system/" + ServiceDefinition.LABEL)));
    }

    @Override
    public ServicePlan status() {
        return ServicePlan.run(List.of(List.of("launchctl", "print", "system/" + ServiceDefinition.LABEL)));
    }

    static String xml(String text) {
        return text.replace("&", "&amp;")
                .replace("<", "&lt;")
                .replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}
