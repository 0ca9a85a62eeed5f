package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.enginex.edge.agent.graph.RunJournal;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.agent.graph.StepRecord;
import io.enginex.edge.agent.runtime.LocalGraphs;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphException;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.common.graph.Step;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code enginex-agent graph}: offline graphs of tool calls (validate, run, resume, start, runs). */
@Command(
        name = "graph",
        mixinStandardHelpOptions = true,
        description = {
            "Offline graphs: a DAG of tool calls this agent runs by itself, under the same tools, sandbox and"
                    + " policy as the hub's jobs, journaled step by step (see docs/GRAPHS.md)."
        },
        subcommands = {
            GraphCommand.Validate.class,
            GraphRunCommand.Run.class,
            GraphRunCommand.Resume.class,
            GraphRunCommand.Decide.class,
            GraphStartCommand.class,
            GraphCommand.Runs.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  enginex-agent graph validate nightly.json",
            "  enginex-agent graph run nightly.json --input '{\"folder\":\"reports\"}' --root ~/Documents/shared",
            "  enginex-agent graph runs",
            "  enginex-agent graph resume run_3f2a…",
            "  enginex-agent graph start nightly-report     # a graph the hub assigned, on the running agent"
        })
final class GraphCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(
            name = "validate",
            mixinStandardHelpOptions = true,
            description = "Checks a graph file: JSON, the graph schema, then step ids, dependencies, cycles and"
                    + " references. Each problem names the line and the JSON pointer. Exit 0 when valid, 1 when not.",
            footerHeading = "%nExample:%n",
            footer = "  enginex-agent graph validate nightly.json")
    static final class Validate implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The graph (JSON).")
        Path file;

        @Override
        public Integer call() {
            try {
                Graph graph = new GraphFormat(new MessageCodec().mapper()).read(file);
                PrintWriter out = spec.commandLine().getOut();
                out.println(file + ": valid graph \"" + graph.name() + "\", "
                        + graph.steps().size() + " step(s) in" + " this order: "
                        + String.join(", ", graph.steps().stream().map(Step::id).toList()));
                return ExitCodes.OK;
            } catch (GraphException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "runs",
            mixinStandardHelpOptions = true,
            description = "Lists the graph runs kept on this machine, oldest first, with each step's state"
                    + " (pending, running, succeeded, failed, skipped, interrupted) and attempts.",
            footerHeading = "%nExamples:%n",
            footer = {"  enginex-agent graph runs", "  enginex-agent graph runs --json"})
    static final class Runs implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "The agent's state folder.")
        Path stateDir;

        @Option(names = "--json", description = "Print the runs as JSON, with outputs and errors.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = new MessageCodec().mapper();
            Path dir = StateDirectory.resolve(stateDir).resolve(LocalGraphs.DIR).resolve("runs");
            var runs = new RunJournal(dir, mapper, Clock.systemUTC()).list();
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                ArrayNode all = mapper.createArrayNode();
                runs.forEach(r -> all.add(mapper.valueToTree(r)));
                out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(all));
                return ExitCodes.OK;
            }
            if (runs.isEmpty()) {
                out.println("no graph runs in " + dir);
            }
            for (RunRecord run : runs) {
                out.println(run.runId() + "  " + run.graphName() + "  " + run.status() + "  started " + run.startedAt()
                        + (run.ended() ? ", ended " + run.endedAt() : ""));
                for (StepRecord step : run.steps().values()) {
                    out.println("  " + step.step() + ": " + step.state().label()
                            + (step.attempts() > 1 ? " after " + step.attempts() + " attempts" : "")
                            + (step.error() != null ? " (" + step.error().code() + ")" : "")
                            + (step.reason() != null ? " - " + step.reason() : ""));
                }
            }
            return ExitCodes.OK;
        }
    }
}
