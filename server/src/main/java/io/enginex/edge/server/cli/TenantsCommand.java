package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tenants",
        description = "Create and list tenants (needs the platform key); change a tenant's settings (its admin).",
        mixinStandardHelpOptions = true,
        subcommands = {TenantsCommand.Create.class, TenantsCommand.List.class, TenantsCommand.Update.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine tenants create acme --name \"Acme Corp\"",
            "  engine tenants list",
            "  engine tenants update acme --enrolment-rate-limit 1000/min"
        })
final class TenantsCommand {
    @Command(
            name = "create",
            description = "Create a tenant.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine tenants create acme --name \"Acme Corp\"", "  engine tenants create acme-eu --json"})
    static final class Create extends ClientCommand {
        @Parameters(
                index = "0",
                paramLabel = "ID",
                description = "Tenant id: lower-case letters, digits and '-', "
                        + "2-31 characters, starting with a letter (used in URLs and --tenant).")
        String id;

        @Option(names = "--name", paramLabel = "NAME", description = "Display name. Default: the id.")
        String name;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("id", id);
            if (name != null) {
                body.put("name", name);
            }
            JsonNode tenant = hub.post("/api/v1/tenants", body);
            if (!printedJson(tenant)) {
                out().println("Created tenant " + text(tenant, "id") + " (" + text(tenant, "name") + ").");
                out().println("Next: engine tokens create --tenant " + text(tenant, "id"));
                out().flush();
            }
        }
    }

    @Command(
            name = "list",
            description = "List the tenants this API key may see.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine tenants list", "  engine tenants list --json"})
    static final class List extends ClientCommand {
        @Override
        void run(HubClient hub) {
            JsonNode tenants = hub.get("/api/v1/tenants");
            if (printedJson(tenants)) {
                return;
            }
            TextTable table = new TextTable("ID", "NAME", "CREATED", "ENROLMENT RATE");
            for (JsonNode t : tenants) {
                table.row(text(t, "id"), text(t, "name"), text(t, "createdAt"), rate(t));
            }
            table.print(out());
        }
    }

    private static String rate(JsonNode tenant) {
        return tenant.hasNonNull("enrolmentRatePerMinute")
                ? ClientCommand.text(tenant, "enrolmentRatePerMinute") + "/min"
                : "hub default";
    }

    @Command(
            name = "update",
            description = "Change a tenant's settings (needs an admin of the tenant, or the platform key).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine tenants update acme --enrolment-rate-limit 1000/min",
                "  engine tenants update acme --enrolment-rate-limit default"
            })
    static final class Update extends ClientCommand {
        @Parameters(index = "0", paramLabel = "ID", description = "Tenant id.")
        String id;

        @Option(
                names = "--enrolment-rate-limit",
                required = true,
                paramLabel = "N/min",
                description = "Agents that may enrol per minute from one source address with one of this tenant's"
                        + " tokens that sets no --rate-limit of its own (1/min to 100000/min), or `default` for the"
                        + " hub's --enrolment-rate-limit.")
        String enrolmentRateLimit;

        @Override
        void run(HubClient hub) {
            // A JSON tree, so the null that means "back to the hub's default" is sent, not dropped.
            var body = JsonNodeFactory.instance.objectNode();
            if ("default".equals(enrolmentRateLimit)) {
                body.putNull("enrolmentRatePerMinute");
            } else {
                body.put("enrolmentRatePerMinute", CliRates.parse(enrolmentRateLimit, "--enrolment-rate-limit"));
            }
            JsonNode tenant = hub.patch("/api/v1/tenants/" + id, body);
            if (!printedJson(tenant)) {
                out().println("Tenant " + text(tenant, "id") + ": enrolment rate limit " + rate(tenant)
                        + " per source address.");
                out().flush();
            }
        }
    }
}
