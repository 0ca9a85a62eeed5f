package io.enginex.edge.agent.cli;

import io.enginex.edge.agent.ui.LocalApiClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
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
                    + " with the secret in its ui.json and opens it.",
            "On a service install your account must be in the group enginex-agent-ui to read that secret."
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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (LocalApiClient page = where.connect()) {
            String link = page.loginLink(LocalUiOptions.user());
            if (noBrowser || !open(link)) {
                out.println("Open this link in your browser within a minute (it works once):");
                out.println("  " + link);
            } else {
                out.println("Opened the status page " + page.url() + " in your browser.");
            }
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
