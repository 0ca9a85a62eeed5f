package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "devices",
        description = {
            "Approve or deny a machine enrolling with a device code (OAuth 2.0 device flow, RFC 8628).",
            "The person at the machine ran `enginex-agent register --server URL [--tenant TENANT]` and read you its"
                    + " code; machines that named your tenant wait in `engine devices list --pending`."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            DevicesCommand.List.class,
            DevicesCommand.Show.class,
            DevicesCommand.Approve.class,
            DevicesCommand.Deny.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine devices list --pending --tenant acme",
            "  engine devices show BCDF-GHJK",
            "  engine devices approve BCDF-GHJK --tenant acme --label finance",
            "  engine devices deny BCDF-GHJK"
        })
final class DevicesCommand {
    private static String path(String code) {
        return "/api/v1/device/" + code.strip();
    }

    @Command(
            name = "list",
            description = "The queue: machines waiting for approval that asked to join the tenant, oldest first.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine devices list --pending --tenant acme"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--pending",
                required = true,
                description = "List the requests waiting for approval (the only ones listed; decided ones are in"
                        + " `engine audit`).")
        boolean pending;

        @Override
        void run(HubClient hub) {
            JsonNode devices = hub.get("/api/v1/tenants/" + tenant + "/devices?status=pending");
            if (printedJson(devices)) {
                return;
            }
            TextTable table = new TextTable("CODE", "HOST", "USER", "OS", "KEY", "FROM", "EXPIRES");
            for (JsonNode d : devices) {
                table.row(
                        text(d, "userCode"),
                        text(d, "hostname"),
                        text(d, "user"),
                        text(d, "os") + "/" + text(d, "arch"),
                        text(d, "keyFingerprint"),
                        text(d, "sourceIp"),
                        text(d, "expiresAt"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "show",
            description = "Show the machine behind a code: host name, OS, user, key fingerprint, address.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine devices show BCDF-GHJK"})
    static final class Show extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CODE", description = "The user code the agent printed.")
        String code;

        @Override
        void run(HubClient hub) {
            JsonNode device = hub.get(path(code));
            if (printedJson(device)) {
                return;
            }
            out().println("Code        " + text(device, "userCode"));
            out().println("Tenant      "
                    + (device.hasNonNull("tenant") ? text(device, "tenant") : "(any: none named)"));
            out().println("Host        " + text(device, "hostname") + " (" + text(device, "os") + "/"
                    + text(device, "arch") + ")");
            out().println("User        " + text(device, "user"));
            out().println("Key         " + text(device, "keyFingerprint"));
            out().println("From        " + text(device, "sourceIp"));
            out().println("Agent       " + text(device, "agentVersion"));
            out().println("Expires     " + text(device, "expiresAt"));
            out().println("Check these match the machine in front of you, then: engine devices approve " + code
                    + " --tenant TENANT");
            out().flush();
        }
    }

    @Command(
            name = "approve",
            description = "Enrol the machine behind a code into a tenant; its agent connects on its next poll.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine devices approve BCDF-GHJK --tenant acme --label finance --label laptops"})
    static final class Approve extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CODE", description = "The user code the agent printed.")
        String code;

        @Option(
                names = "--tenant",
                paramLabel = "TENANT",
                description = "Tenant to enrol into (default: the API key's own tenant).")
        String tenant;

        @Option(names = "--label", paramLabel = "LABEL", description = "A label for the agent; repeat for several.")
        java.util.List<String> labels = new ArrayList<>();

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            if (tenant != null) {
                body.put("tenant", tenant);
            }
            body.put("labels", labels);
            JsonNode result = hub.post(path(code) + "/approve", body);
            if (!printedJson(result)) {
                out().println("Approved: the machine enrols as agent " + text(result, "agentId")
                        + " and connects on its next poll.");
                out().flush();
            }
        }
    }

    @Command(
            name = "deny",
            description = "Refuse the machine behind a code; its agent stops polling with access_denied.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine devices deny BCDF-GHJK"})
    static final class Deny extends ClientCommand {
        @Parameters(index = "0", paramLabel = "CODE", description = "The user code the agent printed.")
        String code;

        @Override
        void run(HubClient hub) {
            JsonNode result = hub.post(path(code) + "/deny", Map.of());
            if (!printedJson(result)) {
                out().println("Denied: the machine is not enrolled.");
                out().flush();
            }
        }
    }
}
