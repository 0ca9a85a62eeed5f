package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "sessions",
        description = "Create, list and show sessions: the units of work whose jobs are watched together.",
        mixinStandardHelpOptions = true,
        subcommands = {SessionsCommand.Create.class, SessionsCommand.List.class, SessionsCommand.Show.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine sessions create --tenant acme --name \"q3 close\"",
            "  engine sessions list --tenant acme",
            "  engine sessions show --tenant acme ses_…"
        })
final class SessionsCommand {
    @Command(
            name = "create",
            description = "Create a session and print its id and the link to its page.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine sessions create --tenant acme --name \"q3 close\""})
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--name",
                paramLabel = "NAME",
                defaultValue = "cli",
                description = "Name (default: ${DEFAULT-VALUE}).")
        String name;

        @Override
        void run(HubClient hub) {
            JsonNode session = hub.create("/api/v1/tenants/" + tenant + "/sessions", Map.of("name", name));
            if (!printedJson(session)) {
                out().println("Created session " + text(session, "id") + " (" + name + ")");
                out().println("Page (a capability link: share it like a password): " + text(session, "pageUrl"));
                out().flush();
            }
        }
    }

    @Command(
            name = "list",
            description = "List a tenant's sessions, newest first.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine sessions list --tenant acme --json"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode sessions = hub.get("/api/v1/tenants/" + tenant + "/sessions");
            if (printedJson(sessions)) {
                return;
            }
            TextTable table = new TextTable("ID", "NAME", "CREATED");
            for (JsonNode s : sessions) {
                table.row(text(s, "id"), text(s, "name"), text(s, "createdAt"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "show",
            description = "Show a session's jobs: tool, agent, state, attempt and outcome.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine sessions show --tenant acme ses_…", "  engine sessions show --tenant acme ses_… --json"
            })
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Session id (ses_…).")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode session = hub.get("/api/v1/tenants/" + tenant + "/sessions/" + id);
            if (printedJson(session)) {
                return;
            }
            out().println("Session " + text(session, "id") + " (" + text(session, "name") + ")");
            TextTable table = new TextTable("JOB", "TOOL", "AGENT", "STATE", "ATTEMPT", "OUTCOME");
            for (JsonNode j : session.path("jobs")) {
                table.row(
                        text(j, "id"),
                        text(j, "tool"),
                        text(j, "agentId"),
                        text(j, "state"),
                        text(j, "attempt"),
                        j.path("error").isObject() ? text(j.path("error"), "code") : "");
            }
            table.print(out());
        }
    }
}
