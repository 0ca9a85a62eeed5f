package io.enginex.edge.agent.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.graph.RunListener;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.agent.graph.StepRecord;
import io.enginex.edge.agent.policy.FileTrust;
import io.enginex.edge.agent.runtime.LocalGraphs;
import io.enginex.edge.agent.runtime.PolicySetup;
import io.enginex.edge.agent.tools.BuiltinTools;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphException;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.MessageCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code enginex-agent graph run} and {@code graph resume}: run a graph here, printing each step. */
final class GraphRunCommand {
    private GraphRunCommand() {}

    /** Where and under which policy graphs run; the same options as {@code run} and {@code policy show}. */
    static final class Place {
        @Option(names = "--root", paramLabel = "DIR", description = "The folder file tools may use (as for run).")
        Path root;

        @Option(
                names = "--machine-policy",
                paramLabel = "FILE",
                description = "A machine policy file to use instead of the administrator's (for trials; it must not"
                        + " be writable by group or others).")
        Path machinePolicy;

        @Option(names = "--state-dir", paramLabel = "DIR", description = "The agent's state folder.")
        Path stateDir;

        @Option(names = "--plugins", paramLabel = "DIR", description = "The plug-in folder (as for run).")
        Path plugins;

        int run(CommandLine.Model.CommandSpec spec, Function<LocalGraphs, RunRecord> body) {
            ObjectMapper mapper = new MessageCodec().mapper();
            PolicySetup.Machine machine = PolicySetup.machine(machinePolicy, root, mapper);
            PluginTools.Loaded loaded = PluginTools.load(
                    plugins != null ? plugins : machine.defaultPlugins(),
                    plugins != null,
                    FileTrust.forCurrentUser(),
                    BuiltinTools.NAMES);
            PrintWriter out = spec.commandLine().getOut();
            try (LocalGraphs graphs =
                    new LocalGraphs(machine, StateDirectory.resolve(stateDir), loaded, new Progress(out), mapper)) {
                Thread hook = new Thread(graphs::close, "enginex-graph-stop");
                Runtime.getRuntime().addShutdownHook(hook);
                RunRecord run;
                try {
                    run = body.apply(graphs);
                } catch (io.enginex.edge.agent.graph.StorageQuotaExceededException e) {
                    spec.commandLine().getErr().println("error: the run did not start: " + e.getMessage());
                    return ExitCodes.FAILURE;
                }
                if (!run.ended()) {
                    java.util.List<String> waiting = run.steps().values().stream()
                            .filter(st -> st.state() == io.enginex.edge.agent.graph.StepState.AWAITING_APPROVAL)
                            .map(StepRecord::step)
                            .toList();
                    out.println(
                            waiting.isEmpty()
                                    ? "run " + run.runId() + " stopped before its end; go on with: enginex-agent graph"
                                            + " resume " + run.runId()
                                    : "run " + run.runId() + " waits for the approval of " + String.join(", ", waiting)
                                            + "; decide with: enginex-agent graph decide " + run.runId() + " "
                                            + waiting.getFirst() + " --approve (or --deny REASON)");
                    return ExitCodes.FAILURE;
                }
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException e) {
                    // already shutting down
                }
                return "succeeded".equals(run.status()) ? ExitCodes.OK : ExitCodes.FAILURE;
            }
        }
    }

    @Command(
            name = "run",
            mixinStandardHelpOptions = true,
            description = {
                "Runs a graph here, now, without the hub: each step is a tool call under this machine's policy (the"
                        + " machine policy ∩ the tenant policy last received ∩ --root), audited in audit.jsonl and"
                        + " journaled before and after it runs. Prints one line per step. Exit 0 when every step"
                        + " succeeded or was skipped, 1 otherwise.",
                "A run killed midway is finished with graph resume RUN_ID."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent graph run nightly.json --root ~/Documents/shared",
                "  enginex-agent graph run nightly.json --input '{\"folder\":\"reports\"}'",
                "  enginex-agent graph run nightly.json --input-file input.json --machine-policy ./trial-policy.json"
            })
    static final class Run implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "FILE", description = "The graph (JSON); see graph validate.")
        Path file;

        @Option(names = "--input", paramLabel = "JSON", description = "The run's input, a JSON object (default {}).")
        String input;

        @Option(names = "--input-file", paramLabel = "FILE", description = "Read the run's input from a JSON file.")
        Path inputFile;

        @Mixin
        Place place;

        @Override
        public Integer call() throws Exception {
            ObjectMapper mapper = new MessageCodec().mapper();
            GraphFormat format = new GraphFormat(mapper);
            Graph graph;
            try {
                graph = format.read(file);
            } catch (GraphException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return ExitCodes.FAILURE;
            }
            JsonNode document = mapper.readTree(Files.readString(file, StandardCharsets.UTF_8));
            JsonNode in = input(mapper);
            return place.run(spec, graphs -> graphs.runner().run(graph, document, in));
        }

        private JsonNode input(ObjectMapper mapper) throws java.io.IOException {
            if (input != null && inputFile != null) {
                throw new IllegalArgumentException("give --input or --input-file, not both");
            }
            String text = inputFile != null ? Files.readString(inputFile, StandardCharsets.UTF_8) : input;
            if (text == null) {
                return mapper.createObjectNode();
            }
            try {
                JsonNode node = mapper.readTree(text);
                if (node == null || !node.isObject()) {
                    throw new IllegalArgumentException(
                            "the input must be a JSON object, like {\"folder\":\"reports\"}");
                }
                return node;
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException(
                        "the input is not JSON (" + e.getOriginalMessage() + "); pass an object, like"
                                + " --input '{\"folder\":\"reports\"}'",
                        e);
            }
        }
    }

    @Command(
            name = "resume",
            mixinStandardHelpOptions = true,
            description = {
                "Goes on with a run that stopped before its end (the agent was killed or stopped), with the graph it"
                        + " started with. Settled steps are not run again; a step that may have started and has no"
                        + " outcome is run again only when its tool is read-only or idempotent, else it is marked"
                        + " interrupted and the steps that depend on it are skipped."
            },
            footerHeading = "%nExample:%n",
            footer = "  enginex-agent graph resume run_3f2a… --root ~/Documents/shared")
    static final class Resume implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(paramLabel = "RUN_ID", description = "The run (see graph runs).")
        String runId;

        @Mixin
        Place place;

        @Override
        public Integer call() {
            GraphFormat format = new GraphFormat(new MessageCodec().mapper());
            return place.run(spec, graphs -> graphs.runner().resume(runId, format));
        }
    }

    @Command(
            name = "decide",
            mixinStandardHelpOptions = true,
            description = {
                "Approves or denies a step of a run here that waits for approval (its graph gives the step an"
                        + " \"approval\"), as the person at the machine, then goes on with the run. An approved step"
                        + " runs as a job approved by you; a denied one fails with your reason and the steps after it"
                        + " are skipped. Needs access to the agent's state folder; while enginex-agent run runs, it asks the"
                        + " running agent (the same access as enginex-agent ui), which decides only when the machine and"
                        + " tenant policies both set \"localGraphDecisions\": true."
            },
            footerHeading = "%nExamples:%n",
            footer = {
                "  enginex-agent graph decide run_3f2a… pay --approve",
                "  enginex-agent graph decide run_3f2a… pay --deny 'not this month'"
            })
    static final class Decide implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run (see graph runs).")
        String runId;

        @Parameters(index = "1", paramLabel = "STEP", description = "The step that waits for approval.")
        String step;

        @CommandLine.ArgGroup(multiplicity = "1")
        Choice choice;

        static final class Choice {
            @Option(names = "--approve", required = true, description = "Run the step.")
            boolean approve;

            @Option(
                    names = "--deny",
                    required = true,
                    paramLabel = "REASON",
                    description = "Fail the step, saying why.")
            String deny;
        }

        @Mixin
        Place place;

        @Option(
                names = "--ui-dir",
                paramLabel = "DIR",
                description = "Where the running agent writes ui.json, when it runs (as for enginex-agent ui).")
        Path uiDir;

        @Override
        public Integer call() {
            GraphFormat format = new GraphFormat(new MessageCodec().mapper());
            String by = "local:" + System.getProperty("user.name", "unknown");
            // A running agent drives its runs (and holds the graph job journal while one goes on): it decides the
            // step on its run thread, with its own policy, if that lets the machine decide while it runs.
            Optional<io.enginex.edge.agent.ui.LocalApiClient> running = runningAgent();
            if (running.isPresent()) {
                return decideOnRunningAgent(by, running.get());
            }
            try {
                return place.run(spec, graphs -> {
                    graphs.runner()
                            .decide(
                                    runId,
                                    step,
                                    new io.enginex.edge.agent.graph.StepApprovals.Decision(
                                            choice.deny == null, by, choice.deny));
                    return graphs.runner().resume(runId, format);
                });
            } catch (io.enginex.edge.agent.journal.JournalLockedException e) {
                // An agent without a status page (--no-ui) holds the journal: the hub decides its runs.
                spec.commandLine().getErr().println("error: " + e.getMessage() + ". " + HUB_HINT);
                return ExitCodes.FAILURE;
            }
        }

        private static final String HUB_HINT = "While enginex-agent run runs without its status page, decide the step"
                + " on the hub: the dashboard's Approvals page, or engine graphs approvals --tenant TENANT --waiting and"
                + " engine graphs approve|deny --tenant TENANT gap_…";

        /** The running agent's local API for this state folder (or --ui-dir), if one runs with its status page. */
        private Optional<io.enginex.edge.agent.ui.LocalApiClient> runningAgent() {
            LocalUiOptions where = new LocalUiOptions();
            where.uiDir = uiDir;
            where.stateDir = place.stateDir;
            try {
                return Optional.of(where.connect());
            } catch (IllegalStateException e) {
                return Optional.empty(); // no running agent's ui.json here: decided in this process
            }
        }

        private int decideOnRunningAgent(String by, io.enginex.edge.agent.ui.LocalApiClient agent) {
            try (io.enginex.edge.agent.ui.LocalApiClient page = agent) {
                var answer = page.decideGraphStep(
                        runId, step, choice.deny == null, choice.deny, by.substring("local:".length()));
                spec.commandLine()
                        .getOut()
                        .println(answer.path("message").asText() + " (by the running agent; follow the run with:"
                                + " enginex-agent graph runs)");
                return ExitCodes.OK;
            } catch (IllegalStateException e) {
                spec.commandLine()
                        .getErr()
                        .println("error: " + e.getMessage()
                                + (e.getMessage().contains("localGraphDecisions")
                                        ? ""
                                        : ". Or decide the step on the hub: the dashboard's Approvals page, or engine"
                                                + " graphs approvals --tenant TENANT --waiting and engine graphs"
                                                + " approve|deny --tenant TENANT gap_…"));
                return ExitCodes.FAILURE;
            }
        }
    }

    /** One line per event, flushed, so a person (or a test) sees each step as it happens. */
    private record Progress(PrintWriter out) implements RunListener {
        @Override
        public void attemptStarted(String runId, String step, String tool, int attempt) {
            print("run " + runId + " step " + step + ": " + tool + " attempt " + attempt + " started");
        }

        @Override
        public void retrying(String runId, String step, int attempt, ErrorInfo error, Duration delay) {
            print("run " + runId + " step " + step + ": attempt " + attempt + " failed (" + error.code() + ": "
                    + error.message() + "); retrying in " + delay.toMillis() + " ms");
        }

        @Override
        public void settled(String runId, StepRecord record) {
            print("run " + runId + " step " + record.step() + ": "
                    + record.state().label()
                    + (record.error() != null
                            ? " (" + record.error().code() + ": "
                                    + record.error().message() + ")"
                            : "")
                    + (record.reason() != null ? " - " + record.reason() : ""));
        }

        @Override
        public void awaitingApproval(String runId, String step, String reason) {
            print("run " + runId + " step " + step + ": awaiting approval - " + reason);
        }

        @Override
        public void ended(String runId, String status) {
            print("run " + runId + " " + status);
        }

        private void print(String line) {
            out.println(line);
            out.flush();
        }
    }
}
