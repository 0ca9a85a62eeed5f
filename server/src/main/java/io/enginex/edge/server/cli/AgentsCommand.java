package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "agents",
        description = "List and revoke a tenant's agents.",
        mixinStandardHelpOptions = true,
        subcommands = {AgentsCommand.List.class, AgentsCommand.Revoke.class},
        footerHeading = "%nExamples:%n",
        footer = {"  engine agents list --tenant acme", "  engine agents revoke --tenant acme agt_…"})
final class AgentsCommand {
    @Command(
            name = "list",
            description = "List a tenant's agents and the state of each (online, busy, unresponsive, offline).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine agents list --tenant acme", "  engine agents list --tenant acme --json"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode agents = hub.get("/api/v1/tenants/" + tenant + "/agents");
            if (printedJson(agents)) {
                return;
            }
            TextTable table = new TextTable("ID", "HOSTNAME", "OS", "VERSION", "STATE", "LAST SEEN", "LABELS");
            for (JsonNode a : agents) {
                table.row(
                        text(a, "id"),
                        text(a, "hostname"),
                        text(a, "os") + "/" + text(a, "arch"),
                        text(a, "agentVersion"),
                        a.path("deregisteredAt").isTextual()
                                ? "deregistered"
                                : a.path("revokedAt").isTextual()
                                        ? "revoked"
                                        : text(a, "state")
                                                + (a.path("paused").isObject()
                                                        ? " (paused by " + text(a.path("paused"), "by") + ")"
                                                        : ""),
                        text(a, "lastSeenAt"),
                        labels(a));
            }
            table.print(out());
        }
    }

    @Command(
            name = "revoke",
            description = "Revoke an agent: its connection is closed at once and it can never connect again.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine agents revoke --tenant acme agt_01jd3k8v6q2x9m4t7c5b0n1r8w"})
    static final class Revoke extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(
                index = "0",
                paramLabel = "ID",
                description = "Agent id (agt_…), as listed by `engine agents list`.")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode agent = hub.post("/api/v1/tenants/" + tenant + "/agents/" + id + "/revoke", java.util.Map.of());
            if (!printedJson(agent)) {
                out().println("Revoked agent " + id + " (" + text(agent, "hostname") + "); its connection was closed "
                        + "and it cannot connect again.");
                out().flush();
            }
        }
    }
}
