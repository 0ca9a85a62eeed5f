package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "graphs",
        description = {
            "Define, version, list and withdraw a tenant's graphs: DAGs of tool calls its agents run by"
                    + " themselves, offline too (docs/GRAPHS.md). The hub checks each graph with the agent's own"
                    + " format and names every problem's line and JSON pointer; each version is immutable and"
                    + " signed by the hub.",
            "A graph is assigned to agents by a scope, as tenant policies: tenant, label:LABEL or agent:AGENT_ID."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            GraphsCommand.List.class,
            GraphsCommand.Show.class,
            GraphsCommand.Create.class,
            GraphsCommand.Update.class,
            GraphsCommand.Withdraw.class,
            GraphsCommand.Start.class,
            GraphsCommand.Starts.class,
            GraphsCommand.CancelStart.class,
            GraphsCommand.Runs.class,
            GraphApprovalCommands.Approvals.class,
            GraphApprovalCommands.Approve.class,
            GraphApprovalCommands.Deny.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine graphs create --tenant acme --scope label:team=finance --file nightly.json",
            "  engine graphs update --tenant acme gph_… --file nightly.json",
            "  engine graphs list --tenant acme",
            "  engine graphs show --tenant acme gph_… --version 2",
            "  engine graphs withdraw --tenant acme gph_…",
            "  engine graphs start --tenant acme gph_… --agent agt_… --input '{\"day\":\"2026-12-05\"}'",
            "  engine graphs starts --tenant acme --agent agt_…",
            "  engine graphs runs --tenant acme gph_…",
            "  engine graphs approvals --tenant acme --waiting",
            "  engine graphs approve --tenant acme gap_… --reason 'month end'"
        })
final class GraphsCommand {
    @Command(
            name = "list",
            description = "List a tenant's graphs: name, scope, latest version, withdrawn or not.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs list --tenant acme", "  engine graphs list --tenant acme --json"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode graphs = hub.get("/api/v1/tenants/" + tenant + "/graphs");
            if (printedJson(graphs)) {
                return;
            }
            TextTable table = new TextTable("ID", "NAME", "SCOPE", "VERSION", "STATE", "UPDATED");
            for (JsonNode g : graphs) {
                table.row(
                        text(g, "id"),
                        text(g, "name"),
                        text(g, "scope"),
                        text(g, "latestVersion"),
                        g.path("withdrawn").asBoolean() ? "withdrawn" : "assigned",
                        text(g, "updatedAt"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "show",
            description = "Print a graph, its versions, and one version's document (the latest by default).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs show --tenant acme gph_…", "  engine graphs show --tenant acme gph_… --version 1"
            })
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Graph id (gph_…), as listed by engine graphs list.")
        String id;

        @Option(names = "--version", paramLabel = "N", description = "The version to print (default: the latest).")
        Integer version;

        @Override
        void run(HubClient hub) {
            String path = "/api/v1/tenants/" + tenant + "/graphs/" + id;
            JsonNode g = hub.get(path);
            int shown = version == null ? g.path("latestVersion").asInt() : version;
            JsonNode v = hub.get(path + "/versions/" + shown);
            Map<String, Object> both = new LinkedHashMap<>();
            both.put("graph", g);
            both.put("version", v);
            if (printedJson(mapper.valueToTree(both))) {
                return;
            }
            out().println("Graph " + text(g, "id") + " " + text(g, "name") + " for " + text(g, "scope") + ", "
                    + (g.path("withdrawn").asBoolean() ? "withdrawn " + text(g, "withdrawnAt") : "assigned")
                    + "; latest version " + text(g, "latestVersion"));
            for (JsonNode each : hub.get(path + "/versions")) {
                out().println("  version " + text(each, "version") + "  " + text(each, "createdAt") + "  by "
                        + text(each, "createdBy") + "  sha256 " + text(each, "sha256"));
            }
            out().println("Version " + shown + ":");
            out().println(text(v, "source"));
            out().flush();
        }
    }

    @Command(
            name = "create",
            description = {
                "Define a graph from a JSON file (docs/GRAPHS.md) and assign it to a scope; it becomes version 1."
                        + " The graph's name is the file's \"name\".",
                "Scopes: tenant (every agent), label:LABEL (agents with that label), agent:AGENT_ID (one agent)."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs create --tenant acme --scope tenant --file nightly.json"})
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--scope",
                required = true,
                paramLabel = "SCOPE",
                description = "tenant, label:LABEL or agent:AGENT_ID.")
        String scope;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The graph JSON file.")
        Path file;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("scope", scope);
            body.put("source", read(file));
            print(this, hub.create("/api/v1/tenants/" + tenant + "/graphs", body), "Defined");
        }
    }

    @Command(
            name = "update",
            description = "Add the next version of a graph from a JSON file (same name); earlier versions are kept"
                    + " as they were. --scope assigns it to another scope too.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine graphs update --tenant acme gph_… --file nightly.json",
                "  engine graphs update --tenant acme gph_… --file nightly.json --scope label:team=finance"
            })
    static final class Update extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Graph id (gph_…).")
        String id;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The graph JSON file.")
        Path file;

        @Option(names = "--scope", paramLabel = "SCOPE", description = "A new scope (default: the graph's).")
        String scope;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (scope != null) {
                body.put("scope", scope);
            }
            body.put("source", read(file));
            print(this, hub.create("/api/v1/tenants/" + tenant + "/graphs/" + id + "/versions", body), "Updated");
        }
    }

    @Command(
            name = "withdraw",
            description = "Withdraw a graph: no agent is sent it any more; its versions (and runs) are kept.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs withdraw --tenant acme gph_…"})
    static final class Withdraw extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Graph id (gph_…).")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode g = hub.post("/api/v1/tenants/" + tenant + "/graphs/" + id + "/withdraw", Map.of());
            if (!printedJson(g)) {
                out().println("Withdrew graph " + id + " (" + text(g, "name") + ").");
                out().flush();
            }
        }
    }

    @Command(
            name = "start",
            description = {
                "Start a graph on an agent it is assigned to: the agent runs it with the trigger \"hub\" and the"
                        + " input given (a JSON object). Operators and up.",
                "The start is queued and sent to the agent at once if it is connected (to any hub node), else when"
                        + " it next connects, unless it expires first (--expires-in, default 24h) or is cancelled"
                        + " (engine graphs cancel-start). Prints the start's id; the run carries it once uploaded"
                        + " (engine graphs runs); engine graphs starts shows whether it was sent."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine graphs start --tenant acme gph_… --agent agt_…",
                "  engine graphs start --tenant acme gph_… --agent agt_… --input '{\"day\":\"2026-12-05\"}'",
                "  engine graphs start --tenant acme gph_… --agent agt_… --expires-in 2h"
            })
    static final class Start extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "GRAPH_ID", description = "Graph id (gph_…).")
        String id;

        @Option(
                names = "--agent",
                required = true,
                paramLabel = "AGENT_ID",
                description = "The agent to run it on (agt_…); the graph's scope must cover it.")
        String agent;

        @Option(
                names = "--input",
                paramLabel = "JSON",
                description = "The run's input, a JSON object (default {}); not the fields trigger, startId or by.")
        String input;

        @Option(
                names = "--expires-in",
                paramLabel = "DURATION",
                description = "How long the start may wait for an offline agent, 1m to 7d (default 24h), e.g. 2h.")
        String expiresIn;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("agentId", agent);
            if (input != null) {
                body.put("input", parseInput());
            }
            if (expiresIn != null) {
                body.put("expiresIn", expiresIn);
            }
            JsonNode s = hub.create("/api/v1/tenants/" + tenant + "/graphs/" + id + "/start", body);
            if (!printedJson(s)) {
                out().println("Started graph " + text(s, "graphId") + " " + text(s, "graph") + " version "
                        + text(s, "version") + " on agent " + text(s, "agentId") + ": start " + text(s, "startId")
                        + " queued, sent when the agent is connected, until " + text(s, "expiresAt")
                        + " (engine graphs starts --tenant " + tenant + "; its run: engine graphs runs --tenant "
                        + tenant + " " + id + ").");
                out().flush();
            }
        }

        private JsonNode parseInput() {
            try {
                JsonNode node = mapper.readTree(input);
                if (node == null || !node.isObject()) {
                    throw new CliException(
                            "--input must be a JSON object, e.g. '{\"day\":\"2026-12-05\"}'", CliException.USAGE);
                }
                return node;
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CliException(
                        "--input is not valid JSON (" + e.getOriginalMessage() + "); quote it for the shell, e.g."
                                + " --input '{\"day\":\"2026-12-05\"}'",
                        CliException.USAGE);
            }
        }
    }

    @Command(
            name = "starts",
            description = {
                "List a tenant's starts from the hub (newest first): queued (waiting for the agent), sent, cancelled"
                        + " or expired (the agent did not connect in time)."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs starts --tenant acme", "  engine graphs starts --tenant acme --agent agt_…"})
    static final class Starts extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--agent", paramLabel = "AGENT_ID", description = "Only this agent's starts.")
        String agent;

        @Override
        void run(HubClient hub) {
            JsonNode starts = hub.get("/api/v1/tenants/" + tenant + "/graph-starts"
                    + (agent == null ? "" : "?agentId=" + java.net.URLEncoder.encode(agent, StandardCharsets.UTF_8)));
            if (printedJson(starts)) {
                return;
            }
            TextTable table = new TextTable("START", "GRAPH", "AGENT", "STATE", "BY", "AT", "EXPIRES");
            for (JsonNode s : starts) {
                table.row(
                        text(s, "startId"),
                        text(s, "graph"),
                        text(s, "agentId"),
                        text(s, "state"),
                        text(s, "by"),
                        text(s, "at"),
                        text(s, "expiresAt"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "cancel-start",
            description =
                    "Cancel a queued start from the hub, so that it is never sent to its agent. Operators and up.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs cancel-start --tenant acme gst_…"})
    static final class CancelStart extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "START_ID", description = "The start's id (gst_…).")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode s = hub.post("/api/v1/tenants/" + tenant + "/graph-starts/" + id + "/cancel", Map.of());
            if (!printedJson(s)) {
                out().println("Cancelled start " + text(s, "startId") + " of graph " + text(s, "graph") + " on agent "
                        + text(s, "agentId") + ".");
                out().flush();
            }
        }
    }

    /** {@code Defined graph gph_… nightly version 1 for tenant (sha256 …).} */
    private static void print(ClientCommand command, JsonNode made, String verb) {
        if (command.printedJson(made)) {
            return;
        }
        JsonNode g = made.path("graph");
        JsonNode v = made.path("version");
        command.out()
                .println(verb + " graph " + ClientCommand.text(g, "id") + " " + ClientCommand.text(g, "name")
                        + " version " + ClientCommand.text(v, "version") + " for " + ClientCommand.text(g, "scope")
                        + " (sha256 " + ClientCommand.text(v, "sha256") + ").");
        command.out().flush();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + " (" + e.getClass().getSimpleName() + "); check the path");
        }
    }

    @Command(
            name = "runs",
            description = {
                "List the runs of a graph that agents uploaded (latest first), with the device's start and end and"
                        + " when each arrived at the hub; --run prints one run's steps.",
                "STANDING says how the graph stood when the run arrived: current, outdated (it ran an older version)"
                        + " or withdrawn."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs runs --tenant acme gph_…", "  engine graphs runs --tenant acme gph_… --run run_…"
            })
    static final class Runs extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Graph id (gph_…).")
        String id;

        @Option(names = "--run", paramLabel = "RUN_ID", description = "Print this run and its steps.")
        String run;

        @Override
        void run(HubClient hub) {
            if (run != null) {
                JsonNode r = hub.get("/api/v1/tenants/" + tenant + "/graph-runs/" + run);
                if (printedJson(r)) {
                    return;
                }
                out().println("Run " + text(r, "runId") + " of " + text(r, "graph") + " version "
                        + text(r, "graphVersion") + " (" + text(r, "standing") + ") on " + text(r, "agentId") + ": "
                        + text(r, "status") + "; device " + text(r, "startedAt") + " to " + text(r, "endedAt")
                        + ", arrived " + text(r, "arrivedAt"));
                TextTable table = new TextTable("STEP", "STATE", "ATTEMPTS", "ERROR", "SETTLED", "ARRIVED");
                for (JsonNode s : r.path("steps")) {
                    table.row(
                            text(s, "step"),
                            text(s, "state"),
                            text(s, "attempts"),
                            s.path("error").path("code").asText(""),
                            text(s, "settledAt"),
                            text(s, "arrivedAt"));
                }
                table.print(out());
                return;
            }
            JsonNode runs = hub.get("/api/v1/tenants/" + tenant + "/graphs/" + id + "/runs");
            if (printedJson(runs)) {
                return;
            }
            TextTable table = new TextTable("RUN", "VERSION", "STANDING", "STATUS", "AGENT", "STARTED", "ARRIVED");
            for (JsonNode r : runs) {
                table.row(
                        text(r, "runId"),
                        text(r, "graphVersion"),
                        text(r, "standing"),
                        text(r, "status"),
                        text(r, "agentId"),
                        text(r, "startedAt"),
                        text(r, "arrivedAt"));
            }
            table.print(out());
        }
    }
}
