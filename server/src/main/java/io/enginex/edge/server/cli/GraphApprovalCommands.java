package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code engine graphs approvals|approve|deny}: graph steps that wait for a person's approval. */
final class GraphApprovalCommands {
    private GraphApprovalCommands() {}

    @Command(
            name = "approvals",
            description = {
                "List the steps of graph runs that wait (or waited) for approval, as the agents told the hub:"
                        + " waiting ones first, with the tool they would run; then the decided ones with the agent's"
                        + " answer (applied, already_decided, not_waiting, graph_withdrawn)."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs approvals --tenant acme", "  engine graphs approvals --tenant acme --waiting"})
    static final class Approvals extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--waiting", description = "Only the steps still waiting for a decision.")
        boolean waiting;

        @Override
        void run(HubClient hub) {
            JsonNode list =
                    hub.get("/api/v1/tenants/" + tenant + "/graph-approvals" + (waiting ? "?state=waiting" : ""));
            if (printedJson(list)) {
                return;
            }
            TextTable table = new TextTable(
                    "APPROVAL", "GRAPH", "STEP", "TOOL", "AGENT", "RUN", "STATE", "DECIDED BY", "OUTCOME");
            for (JsonNode a : list) {
                table.row(
                        text(a, "id"),
                        text(a, "graph"),
                        text(a, "step"),
                        text(a, "tool"),
                        text(a, "agentId"),
                        text(a, "runId"),
                        a.path("approved").isBoolean()
                                ? (a.path("approved").asBoolean() ? "approved" : "denied")
                                : text(a, "state"),
                        text(a, "decidedBy"),
                        text(a, "outcome"));
            }
            table.print(out());
        }
    }

    /** Approve or deny: the same command with a different verb. */
    abstract static class Decide extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "APPROVAL_ID", description = "The approval's id (gap_…).")
        String id;

        abstract String verb();

        abstract String reason();

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (reason() != null) {
                body.put("reason", reason());
            }
            JsonNode a = hub.create("/api/v1/tenants/" + tenant + "/graph-approvals/" + id + "/" + verb(), body);
            if (!printedJson(a)) {
                out().println((verb().equals("approve") ? "Approved" : "Denied") + " step " + text(a, "step")
                        + " of run " + text(a, "runId") + " (graph " + text(a, "graph") + ") on agent "
                        + text(a, "agentId") + "; the decision is sent to the agent now or when it connects"
                        + " (engine graphs approvals --tenant " + tenant + " shows its answer).");
                out().flush();
            }
        }
    }

    @Command(
            name = "approve",
            description = "Approve a graph step that waits: the agent runs it, once. Operators and up; audited.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs approve --tenant acme gap_… --reason 'month end'"})
    static final class Approve extends Decide {
        @Option(names = "--reason", paramLabel = "TEXT", description = "Why (optional, recorded and audited).")
        String reason;

        @Override
        String verb() {
            return "approve";
        }

        @Override
        String reason() {
            return reason;
        }
    }

    @Command(
            name = "deny",
            description = "Deny a graph step that waits: the agent fails it (approval_denied) and skips the steps after"
                    + " it. Operators and up; audited.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine graphs deny --tenant acme gap_… --reason 'wrong month'"})
    static final class Deny extends Decide {
        @Option(
                names = "--reason",
                required = true,
                paramLabel = "TEXT",
                description = "Why (recorded, audited and shown with the failed step).")
        String reason;

        @Override
        String verb() {
            return "deny";
        }

        @Override
        String reason() {
            return reason;
        }
    }
}
