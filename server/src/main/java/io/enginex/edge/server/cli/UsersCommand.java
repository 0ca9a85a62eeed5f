package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engine users}: people who log in to a tenant. */
@Command(
        name = "users",
        description = "People who log in to a tenant (owner, admin, operator, viewer).",
        mixinStandardHelpOptions = true,
        subcommands = {UsersCommand.Create.class, UsersCommand.List.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine users create --tenant acme --email ops@acme.example --role operator",
            "  engine users list --tenant acme"
        })
final class UsersCommand {
    @Command(
            name = "create",
            description = "Create a user and print the generated one-time password.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine users create --tenant acme --email ops@acme.example --role operator"})
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The user's login.")
        String email;

        @Option(
                names = "--role",
                paramLabel = "ROLE",
                defaultValue = "viewer",
                description = "owner, admin, operator or viewer. Default: ${DEFAULT-VALUE}.")
        String role;

        @Override
        void run(HubClient hub) {
            JsonNode created = hub.post("/api/v1/tenants/" + tenant + "/users", Map.of("email", email, "role", role));
            if (printedJson(created)) {
                return;
            }
            JsonNode user = created.path("user");
            out().println("User " + text(user, "email") + " (" + text(user, "id") + ", role " + text(user, "role")
                    + "). One-time password, shown only now:");
            out().println();
            out().println("  " + text(created, "password"));
            out().println();
            out().println("It works once within 24 h, and only to choose a new password.");
            out().flush();
        }
    }

    @Command(
            name = "list",
            description = "List the users of a tenant.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine users list --tenant acme"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode users = hub.get("/api/v1/tenants/" + tenant + "/users");
            if (printedJson(users)) {
                return;
            }
            TextTable table = new TextTable("ID", "EMAIL", "ROLE", "PASSWORD", "LAST LOGIN", "CREATED BY");
            for (JsonNode u : users) {
                table.row(
                        text(u, "id"),
                        text(u, "email"),
                        text(u, "role"),
                        text(u, "passwordState"),
                        text(u, "lastLoginAt"),
                        text(u, "createdBy"));
            }
            table.print(out());
        }
    }
}
