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
        subcommands = {UsersCommand.Create.class, UsersCommand.List.class, UsersCommand.Update.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine users create --tenant acme --email ops@acme.example --role operator",
            "  engine users list --tenant acme",
            "  engine users update --tenant acme ops@acme.example --role admin",
            "  engine users update --tenant acme ops@acme.example --disable"
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

    @Command(
            name = "update",
            description = "Change a user's role, or disable or enable them (PATCH /api/v1/tenants/{t}/users/{id}). A"
                    + " disabled user's sessions end at once and they cannot sign in until enabled; nobody changes"
                    + " their own role or disables themselves, and only an owner changes an owner.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine users update --tenant acme ops@acme.example --role admin",
                "  engine users update --tenant acme usr_… --disable",
                "  engine users update --tenant acme ops@acme.example --enable --role viewer"
            })
    static final class Update extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @picocli.CommandLine.Parameters(
                index = "0",
                paramLabel = "USER",
                description = "The user's email or id (usr_…), as listed by `engine users list`.")
        String user;

        @Option(names = "--role", paramLabel = "ROLE", description = "The new role: owner, admin, operator or viewer.")
        String role;

        @Option(names = "--disable", description = "Disable the user: their sessions end and they cannot sign in.")
        boolean disable;

        @Option(names = "--enable", description = "Enable a disabled user again.")
        boolean enable;

        @Override
        void run(HubClient hub) {
            if (disable && enable) {
                throw new CliException("choose one of --disable and --enable", CliException.USAGE);
            }
            if (role == null && !disable && !enable) {
                throw new CliException(
                        "nothing to change: give --role ROLE, --disable or --enable (see engine users update --help)",
                        CliException.USAGE);
            }
            String id = id(hub);
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            if (role != null) {
                body.put("role", role);
            }
            if (disable || enable) {
                body.put("disabled", disable);
            }
            JsonNode updated = hub.patch("/api/v1/tenants/" + tenant + "/users/" + id, body);
            if (printedJson(updated)) {
                return;
            }
            out().println("User " + text(updated, "email") + " (" + text(updated, "id") + "): role "
                    + text(updated, "role") + ", "
                    + (updated.path("disabled").asBoolean() ? "disabled; their sessions ended" : "active") + ".");
            out().flush();
        }

        /** The user's id: {@code user} itself, or the id of the tenant's user with that email. */
        private String id(HubClient hub) {
            if (!user.contains("@")) {
                return user;
            }
            for (JsonNode u : hub.get("/api/v1/tenants/" + tenant + "/users")) {
                if (u.path("email").asText().equalsIgnoreCase(user)) {
                    return u.path("id").asText();
                }
            }
            throw new CliException(
                    "tenant " + tenant + " has no user " + user + "; see engine users list --tenant " + tenant);
        }
    }
}
