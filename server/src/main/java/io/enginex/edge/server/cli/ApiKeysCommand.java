package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "api-keys",
        description = "API keys for a tenant (for the EngineX runtime, scripts, read-only viewers).",
        mixinStandardHelpOptions = true,
        subcommands = {ApiKeysCommand.Create.class, ApiKeysCommand.List.class, ApiKeysCommand.Revoke.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine api-keys create --tenant acme --role operator --label runtime",
            "  engine api-keys list --tenant acme",
            "  engine api-keys revoke --tenant acme key_…"
        })
final class ApiKeysCommand {
    @Command(
            name = "create",
            description = "Create an API key of a tenant and print it (shown only now).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine api-keys create --tenant acme --role operator --label runtime",
                "  export ENGINEX_API_KEY=$(engine api-keys create --tenant acme --role viewer --json | jq -r .key)"
            })
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--role",
                paramLabel = "ROLE",
                defaultValue = "operator",
                description = "owner, admin, operator (dispatch jobs, manage tokens and agents) or viewer (read only). "
                        + "Default: ${DEFAULT-VALUE}.")
        String role;

        @Option(names = "--label", paramLabel = "TEXT", description = "What the key is for.")
        String label;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("role", role);
            if (label != null) {
                body.put("label", label);
            }
            JsonNode key = hub.create("/api/v1/tenants/" + tenant + "/api-keys", body);
            if (printedJson(key)) {
                return;
            }
            out().println("API key " + text(key, "id") + " (tenant " + tenant + ", role " + text(key, "role") + "):");
            out().println();
            out().println("  " + text(key, "key"));
            out().println();
            out().println("It is shown only now; store it like a password. Use it as 'Authorization: Bearer <key>' "
                    + "or set ENGINEX_API_KEY.");
            out().flush();
        }
    }

    @Command(
            name = "list",
            description = "List a tenant's API keys (never their secrets) with creator and last use.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine api-keys list --tenant acme"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode keys = hub.get("/api/v1/tenants/" + tenant + "/api-keys");
            if (printedJson(keys)) {
                return;
            }
            TextTable table = new TextTable("ID", "ROLE", "LABEL", "CREATED BY", "LAST USED", "REVOKED");
            for (JsonNode k : keys) {
                table.row(
                        text(k, "id"),
                        text(k, "role"),
                        text(k, "label"),
                        text(k, "createdBy"),
                        text(k, "lastUsedAt"),
                        text(k, "revokedAt"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "revoke",
            description = "Revoke an API key; requests with it are refused from now on.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine api-keys revoke --tenant acme key_01jd3k8v6q2x9m4t7c5b0n1r8w"})
    static final class Revoke extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @picocli.CommandLine.Parameters(paramLabel = "KEY_ID", description = "The key's id (not its secret).")
        String id;

        @Override
        void run(HubClient hub) {
            hub.delete("/api/v1/tenants/" + tenant + "/api-keys/" + id);
            out().println("API key " + id + " revoked.");
            out().flush();
        }
    }
}
