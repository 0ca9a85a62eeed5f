package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code engine admin}: headless set-up with the platform key — make a tenant's first owner, reset
 * a password. Passwords the hub generates are printed once and never stored.
 */
@Command(
        name = "admin",
        description = "Headless administration with the platform key: first owner of a tenant, password resets.",
        mixinStandardHelpOptions = true,
        subcommands = {AdminCommand.CreateOwner.class, AdminCommand.ResetPassword.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine admin create-owner --tenant acme --email it@acme.example --create-tenant",
            "  engine admin reset-password --tenant acme --email it@acme.example"
        })
final class AdminCommand {
    @Command(
            name = "create-owner",
            description =
                    "Create an owner of a tenant (and the tenant with --create-tenant); print the one-time password.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine admin create-owner --tenant acme --email it@acme.example --create-tenant --name \"Acme Corp\"",
                "  engine admin create-owner --tenant acme --email second-owner@acme.example"
            })
    static final class CreateOwner extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The owner's login.")
        String email;

        @Option(names = "--create-tenant", description = "Create the tenant first.")
        boolean createTenant;

        @Option(names = "--name", paramLabel = "TEXT", description = "Tenant display name (with --create-tenant).")
        String name;

        @Override
        void run(HubClient hub) {
            if (createTenant) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("id", tenant);
                if (name != null) {
                    body.put("name", name);
                }
                hub.post("/api/v1/tenants", body);
            }
            JsonNode created =
                    hub.post("/api/v1/tenants/" + tenant + "/users", Map.of("email", email, "role", "owner"));
            if (printedJson(created)) {
                return;
            }
            JsonNode user = created.path("user");
            out().println("Owner " + text(user, "email") + " (" + text(user, "id") + ") of tenant " + tenant
                    + ". One-time password:");
            out().println();
            out().println("  " + text(created, "password"));
            out().println();
            out().println("It is shown only now, works once within 24 h, and only to choose a new password: sign in"
                    + " to the dashboard (/ui), or POST /api/v1/login then POST /api/v1/me/password.");
            out().flush();
        }
    }

    @Command(
            name = "reset-password",
            description = "Give a user a new generated password (ends their sessions) and print it once.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine admin reset-password --tenant acme --email it@acme.example"})
    static final class ResetPassword extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--email", required = true, paramLabel = "EMAIL", description = "The user's login.")
        String email;

        @Override
        void run(HubClient hub) {
            String id = null;
            for (JsonNode u : hub.get("/api/v1/tenants/" + tenant + "/users")) {
                if (text(u, "email").equalsIgnoreCase(email.strip())) {
                    id = text(u, "id");
                }
            }
            if (id == null) {
                throw new CliException(
                        "tenant " + tenant + " has no user " + email + "; list them with engine users list --tenant "
                                + tenant,
                        1);
            }
            JsonNode reset = hub.post("/api/v1/tenants/" + tenant + "/users/" + id + "/password", Map.of());
            if (printedJson(reset)) {
                return;
            }
            out().println("New one-time password for " + email + " (every session of theirs has ended):");
            out().println();
            out().println("  " + text(reset, "password"));
            out().println();
            out().println("It works once within 24 h, and only to choose a new password.");
            out().flush();
        }
    }
}
