package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.enginex.edge.client.Job;
import io.enginex.edge.client.Session;
import java.util.Objects;
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
            Session session = hub.edge().createSession(tenant, name);
            if (!printedJson(session.json())) {
                out().println("Created session " + session.id() + " (" + name + ")");
                out().println("Page (a capability link: share it like a password): "
                        + Objects.toString(session.pageUrl(), ""));
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
            ArrayNode sessions = mapper.createArrayNode();
            hub.edge().sessions(tenant).forEach(s -> sessions.add(s.json()));
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
            Session session = hub.edge().session(tenant, id);
            if (printedJson(session.json())) {
                return;
            }
            out().println("Session " + session.id() + " (" + Objects.toString(session.name(), "") + ")");
            TextTable table = new TextTable("JOB", "TOOL", "AGENT", "STATE", "ATTEMPT", "OUTCOME");
            for (Job j : session.jobs()) {
                table.row(
                        j.id(),
                        j.tool(),
                        j.agentId(),
                        j.state(),
                        text(j.json(), "attempt"),
                        j.error() != null ? Objects.toString(j.error().code(), "") : "");
            }
            table.print(out());
        }
    }
}
