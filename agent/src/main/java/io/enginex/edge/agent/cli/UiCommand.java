package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.ui.LocalApiClient;
import io.enginex.edge.agent.usersession.SessionClient;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code enginex-agent ui}: open the running agent's status page in the browser. */
@Command(
        name = "ui",
        mixinStandardHelpOptions = true,
        description = {
            "Opens the status page of the agent running on this machine: connection, hub, agent id, last"
                    + " heartbeat, jobs, updates, log, and the switch that pauses its local actions. The page is served"
                    + " by the agent on 127.0.0.1 only; this command asks it for a one-time login link (valid a minute)"
                    + " and opens it.",
            "It asks first over the agent's session channel (the socket the user session parts use), where the"
                    + " kernel proves who you are: such a link lets you answer your own consent requests. An account"
                    + " the agent does not take session parts from (session-users in agent.conf) gets a link with"
                    + " the secret in ui.json instead; on a service install that needs the group enginex-agent-ui,"
                    + " and that link cannot answer consent requests."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  enginex-agent ui", "  enginex-agent ui --no-browser      (print the link instead)"})
final class UiCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    LocalUiOptions where = new LocalUiOptions();

    @Option(names = "--no-browser", description = "Print the one-time link instead of opening a browser.")
    boolean noBrowser;

    @Option(
            names = "--session-socket",
            paramLabel = "PATH",
            description = "The agent's session channel (default: the service's, when it exists:"
                    + " /run/enginex-agent/session.sock on Linux, <base>/run/session.sock on macOS).")
    Path sessionSocket;

    @Mixin
    ServiceUserOption service = new ServiceUserOption();

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        String link = null;
        String notProven = null;
        Optional<Path> socket = sessionSocket != null
                ? Optional.of(sessionSocket)
                : Optional.ofNullable(ServiceCommand.Defaults.sessionSocket()).filter(Files::exists);
        if (socket.isPresent()) {
            try {
                link = SessionClient.loginLink(
                        socket.get(),
                        service.accounts(),
                        SessionCommand.tokenSide(socket.get()),
                        new MessageCodec().mapper());
            } catch (SessionClient.RefusedException e) {
                notProven = e.getMessage();
            } catch (IOException e) {
                notProven = "the session channel " + socket.get() + " did not answer (" + e.getMessage() + ")";
            }
        }
        if (link == null) {
            try (LocalApiClient page = where.connect()) {
                link = page.loginLink(LocalUiOptions.user());
            } catch (IllegalStateException e) {
                throw notProven == null
                        ? e
                        : new IllegalStateException(
                                e.getMessage() + ". (Also tried the session channel: " + notProven + ")");
            }
            if (notProven != null) {
                err.println("Note: " + notProven + ". The page opens with the secret of ui.json instead; it shows the"
                        + " agent and can pause it, but cannot answer consent requests (those need the session"
                        + " channel, or the dialog).");
                err.flush();
            }
        }
        String page = link.substring(0, link.indexOf("/login?") + 1);
        if (noBrowser || !open(link)) {
            out.println("Open this link in your browser within a minute (it works once):");
            out.println("  " + link);
        } else {
            out.println("Opened the status page " + page + " in your browser.");
        }
        out.flush();
        return ExitCodes.OK;
    }

    /** Asks the desktop to open {@code url}; false when there is no way to. */
    static boolean open(String url) {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        List<String> command = os.startsWith("windows")
                ? List.of("rundll32", "url.dll,FileProtocolHandler", url)
                : os.startsWith("mac") ? List.of("open", url) : List.of("xdg-open", url);
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) && process.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
