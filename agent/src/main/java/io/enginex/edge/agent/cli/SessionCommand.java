package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.desktop.DesktopActions;
import io.enginex.edge.agent.desktop.DesktopPlatform;
import io.enginex.edge.agent.runtime.PolicySetup;
import io.enginex.edge.agent.usersession.SessionClient;
import io.enginex.edge.agent.usersession.SessionServer;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code enginex-agent session}: the user-session part. Runs as the signed-in user (Linux: a systemd user
 * unit or XDG autostart starts it at login; macOS: the LaunchAgent io.enginex.agent.session; Windows: the
 * logon task EngineX Agent Session), connects to the service's socket and runs the desktop tools'
 * actions in this session, checked against the machine policy. Reconnects when the service restarts;
 * stops when the service refuses this user.
 */
@Command(
        name = "session",
        mixinStandardHelpOptions = true,
        description = {
            "The agent's part in a signed-in user's desktop session. Connects to the agent's service"
                    + " over its local socket and runs, as this user, what the desktop and home-folder tools ask for,"
                    + " each checked against the machine policy. Linux: the packages start it at login (systemd"
                    + " user unit enginex-agent-session.service, or XDG autostart). macOS: the LaunchAgent"
                    + " io.enginex.agent.session starts it in every Aqua login. It reconnects when the service"
                    + " restarts. Windows: the logon task \"EngineX Agent Session\" starts it for every user.",
            "The service accepts only the users named in session-users of its agent.conf, and proves who"
                    + " connects from the kernel's peer credentials; this part checks the same way that the"
                    + " socket is the service's. Windows (no peer credentials in Java): this part proves its user"
                    + " with the token the service made for it (run\\sessions\\<user>.token, readable by that user"
                    + " only) and first checks that SYSTEM, Administrators or the service's account owns the socket."
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent session",
            "  enginex-agent session --socket /run/enginex-agent/session.sock --once",
            "  enginex-agent session --socket '/Library/Application Support/EngineX Agent/run/session.sock' --once"
        })
final class SessionCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--socket", paramLabel = "FILE", description = "The service's socket (default: ${DEFAULT-VALUE}).")
    Path socket = defaultSocket(ServiceCommand.Defaults.os());

    @Mixin
    ServiceUserOption service = new ServiceUserOption();

    @Option(
            names = "--machine-policy",
            paramLabel = "FILE",
            description = "The machine policy the actions are checked against (default: the administrator's, e.g."
                    + " /etc/enginex-agent/policy.json).")
    Path machinePolicy;

    @Option(names = "--once", description = "Stop when the connection ends instead of reconnecting.")
    boolean once;

    @Option(
            names = "--retry-refused",
            description = "When the service refuses this user, try again later (30 s, doubling to 15 min) instead of"
                    + " exiting 1: XDG autostart starts the session part once per login, so a user named in"
                    + " session-users later is served without signing in again.")
    boolean retryRefused;

    /** The first pause after a refusal with --retry-refused, and the longest. */
    static final Duration REFUSED_FIRST = Duration.ofSeconds(30);

    static final Duration REFUSED_CAP = Duration.ofMinutes(15);

    /** Where the service of {@code os} listens: the Linux path, or the macOS or Windows one. */
    static Path defaultSocket(String os) {
        return ServiceCommand.Defaults.sessionSocket(os, Map.of());
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        MessageCodec codec = new MessageCodec();
        PolicySetup.Machine machine = PolicySetup.machine(machinePolicy, null, codec.mapper());
        Map<String, String> env = System.getenv();
        Map<String, String> reported = new LinkedHashMap<>();
        SessionServer.SESSION_VARIABLES.forEach(name -> {
            if (env.containsKey(name)) {
                reported.put(name, env.get(name));
            }
        });
        Path home = Path.of(System.getProperty("user.home"));
        DesktopActions actions = new DesktopActions(
                machine.policy(),
                machine.source(),
                env,
                home,
                DesktopPlatform.forOs(System.getProperty("os.name", ""), env, home));
        SessionClient client = new SessionClient(
                socket, service.accounts(), tokenSide(socket), reported, actions::handle, codec.mapper());
        Duration wait = Duration.ofSeconds(1);
        Duration refused = REFUSED_FIRST;
        while (true) {
            try {
                client.serve(() -> {
                    out.println("connected to the agent's service at " + socket + " as "
                            + System.getProperty("user.name") + " " + reported.keySet());
                    out.flush();
                });
                wait = Duration.ofSeconds(1);
            } catch (SessionClient.ReplacedException e) {
                out.println(e.getMessage() + "; this one stops");
                out.flush();
                return ExitCodes.OK;
            } catch (SessionClient.RefusedException e) {
                err.println("error: " + e.getMessage());
                if (!retryRefused || once) {
                    return ExitCodes.FAILURE;
                }
                err.println("trying again in " + refused.toSeconds() + " s (--retry-refused)");
                err.flush();
                if (!pause(refused)) {
                    return ExitCodes.OK;
                }
                refused = doubled(refused, REFUSED_CAP);
                wait = Duration.ofSeconds(1);
                continue;
            } catch (IOException e) {
                err.println("the agent's service is not reachable at " + socket + " (" + e.getMessage()
                        + "); trying again in " + wait.toSeconds() + " s");
                err.flush();
            }
            if (once) {
                return ExitCodes.FAILURE;
            }
            if (!pause(wait)) {
                return ExitCodes.OK;
            }
            wait = doubled(wait, Duration.ofSeconds(30));
        }
    }

    /** Windows proves the user with a token ({@link SessionClient.TokenSide}); elsewhere the kernel does. */
    static SessionClient.TokenSide tokenSide(Path socket) {
        return ServiceCommand.Defaults.os().startsWith("windows") ? SessionClient.TokenSide.windows(socket) : null;
    }

    /** {@code wait} doubled, at most {@code cap}. */
    static Duration doubled(Duration wait, Duration cap) {
        Duration twice = wait.multipliedBy(2);
        return twice.compareTo(cap) > 0 ? cap : twice;
    }

    /** Sleeps; false when interrupted (the process is stopping). */
    private static boolean pause(Duration wait) {
        try {
            Thread.sleep(wait);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
