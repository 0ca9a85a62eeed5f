package io.enginex.edge.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(
        name = "mcp-rules",
        description = {
            "Show, set and clear a tenant's MCP tool rules: which tools of its agents each role's MCP clients see"
                    + " and may call, as allow and deny patterns over tool names (fs.read) and MCP names"
                    + " (laptop-07__fs_read), with * and ? as wildcards. Deny wins; a role with an allow list sees"
                    + " only what it allows; a role without rules sees every tool.",
            "The agents' policies and approvals still apply to every call. Connected MCP clients are told when"
                    + " their list changes."
        },
        mixinStandardHelpOptions = true,
        subcommands = {McpRulesCommand.Show.class, McpRulesCommand.Set.class, McpRulesCommand.Clear.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine mcp-rules show --tenant acme",
            "  engine mcp-rules set --tenant acme --file rules.json   # {\"roles\": {\"viewer\": {\"allow\": [\"sys.*\"]}}}",
            "  engine mcp-rules clear --tenant acme"
        })
final class McpRulesCommand {
    private static final String PATH = "/api/v1/tenants/%s/mcp/tool-rules";

    @Command(
            name = "show",
            description = "Print the tenant's MCP tool rules.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine mcp-rules show --tenant acme"})
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            print(this, hub.get(PATH.formatted(tenant)));
        }
    }

    @Command(
            name = "set",
            description = "Replace the tenant's MCP tool rules with a JSON file (admins and owners).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine mcp-rules set --tenant acme --file rules.json"})
    static final class Set extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--file",
                required = true,
                paramLabel = "FILE",
                description = "The rules, e.g. {\"roles\": {\"operator\": {\"deny\": [\"exec\"]}}}.")
        Path file;

        @Override
        void run(HubClient hub) {
            JsonNode rules;
            try {
                rules = mapper.readTree(Files.readString(file));
            } catch (JsonProcessingException e) {
                throw new CliException(file + " is not valid JSON: " + e.getOriginalMessage() + "; fix the file");
            } catch (IOException e) {
                throw new CliException(
                        "cannot read " + file + " (" + e.getClass().getSimpleName() + "); check the path");
            }
            print(this, hub.put(PATH.formatted(tenant), rules));
        }
    }

    @Command(
            name = "clear",
            description = "Remove the tenant's MCP tool rules: every role's MCP clients see every tool again.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine mcp-rules clear --tenant acme"})
    static final class Clear extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            print(this, hub.delete(PATH.formatted(tenant)));
        }
    }

    /** The rules as the hub answered them: the document, and who set it when (or that none are set). */
    private static void print(ClientCommand command, JsonNode answer) {
        if (command.printedJson(answer)) {
            return;
        }
        var out = command.out();
        if (answer.path("updatedAt").isTextual()) {
            out.println("MCP tool rules of tenant " + ClientCommand.text(answer, "tenant") + ", set "
                    + ClientCommand.text(answer, "updatedAt") + " by " + ClientCommand.text(answer, "updatedBy") + ":");
            out.println(ClientCommand.pretty(answer.path("rules")));
        } else {
            out.println("Tenant " + ClientCommand.text(answer, "tenant")
                    + " has no MCP tool rules: every role's MCP clients see every tool of its online agents.");
        }
        out.flush();
    }
}
