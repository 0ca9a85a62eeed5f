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
        subcommands = {ApiKeysCommand.Create.class},
        footerHeading = "%nExamples:%n",
        footer = {"  engine api-keys create --tenant acme --role operator --label runtime"})
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
                description = "admin, operator (dispatch jobs, manage tokens and agents) or viewer (read only). "
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
            JsonNode key = hub.post("/api/v1/tenants/" + tenant + "/api-keys", body);
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
}
