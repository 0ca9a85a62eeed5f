package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.ui.LocalApiClient;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code enginex-agent pause} and {@code resume}: the status page's switch, from a terminal. */
final class PauseCommand {
    private PauseCommand() {}

    static int set(CommandLine.Model.CommandSpec spec, LocalUiOptions where, boolean paused) {
        PrintWriter out = spec.commandLine().getOut();
        try (LocalApiClient page = where.connect()) {
            JsonNode answer = page.setPaused(paused, LocalUiOptions.user());
            out.println(
                    answer.path("paused").asBoolean()
                            ? "Local actions are paused (by "
                                    + answer.path("by").asText() + " since "
                                    + answer.path("since").asText() + "): the agent refuses new jobs with agent_paused"
                                    + " and the hub shows it paused. Jobs already running finish. Resume:"
                                    + " enginex-agent resume"
                            : "Local actions resumed: the agent takes jobs again.");
        }
        out.flush();
        return ExitCodes.OK;
    }

    @Command(
            name = "pause",
            mixinStandardHelpOptions = true,
            description = "Pauses the running agent's local actions: new jobs are refused with agent_paused (the hub"
                    + " is told and shows the agent paused), jobs already running finish. Lasts across restarts until"
                    + " enginex-agent resume. Needs the same access as enginex-agent ui.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent pause", "  enginex-agent resume"})
    static final class Pause implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        LocalUiOptions where = new LocalUiOptions();

        @Override
        public Integer call() {
            return set(spec, where, true);
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = "Resumes the running agent's local actions after enginex-agent pause.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent resume"})
    static final class Resume implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Mixin
        LocalUiOptions where = new LocalUiOptions();

        @Override
        public Integer call() {
            return set(spec, where, false);
        }
    }
}
