package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.ui.LocalApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code enginex-agent graph start NAME}: asks the running agent to run a graph the hub assigned, now. */
@Command(
        name = "start",
        mixinStandardHelpOptions = true,
        description = {
            "Asks the running agent (enginex-agent run) to run a graph the hub assigned to it, now, with or without"
                    + " the hub: the run is queued behind the run going on, if any, with the input"
                    + " {\"trigger\":\"manual\",\"by\":\"<you>\"}, and uploaded like any other. Audited in"
                    + " audit.jsonl. Needs the same access as enginex-agent ui. Follow it with enginex-agent graph runs.",
            "A graph file is run with graph run FILE instead."
        },
        footerHeading = "%nExamples:%n",
        footer = {"  enginex-agent graph start nightly-report", "  enginex-agent graph runs"})
final class GraphStartCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "NAME", description = "The graph's name, as the hub lists it.")
    String name;

    @Mixin
    LocalUiOptions where = new LocalUiOptions();

    @Override
    public Integer call() {
        try (LocalApiClient page = where.connect()) {
            JsonNode answer = page.startGraph(name, LocalUiOptions.user());
            spec.commandLine()
                    .getOut()
                    .println("Graph " + answer.path("graph").asText() + " queued on the running agent; see its run"
                            + " with: enginex-agent graph runs");
        }
        return ExitCodes.OK;
    }
}
