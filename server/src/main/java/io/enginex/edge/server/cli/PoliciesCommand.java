package io.enginex.edge.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "policies",
        description = {
            "List, show, set and delete a tenant's policies: what its agents may do, in the machine policy file's"
                    + " JSON shape (docs/POLICY.md). Each agent intersects them with its machine's own policy, so a"
                    + " tenant policy can only narrow what the machine allows.",
            "A change reaches the connected agents at once."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            PoliciesCommand.List.class,
            PoliciesCommand.Show.class,
            PoliciesCommand.Set.class,
            PoliciesCommand.Delete.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine policies set --tenant acme --scope tenant --file read-only.json",
            "  engine policies set --tenant acme --scope label:team=finance --file finance.json",
            "  engine policies list --tenant acme",
            "  engine policies delete --tenant acme pol_…"
        })
final class PoliciesCommand {
    @Command(
            name = "list",
            description = "List a tenant's policies and their scopes.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine policies list --tenant acme", "  engine policies list --tenant acme --json"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode policies = hub.get("/api/v1/tenants/" + tenant + "/policies");
            if (printedJson(policies)) {
                return;
            }
            TextTable table = new TextTable("ID", "SCOPE", "TOOLS", "UPDATED", "BY", "DESCRIPTION");
            for (JsonNode p : policies) {
                JsonNode tools = p.path("policy").path("tools");
                StringBuilder names = new StringBuilder();
                tools.forEach(t -> names.append(names.isEmpty() ? "" : ",").append(t.asText()));
                table.row(
                        text(p, "id"),
                        text(p, "scope"),
                        tools.isMissingNode() ? "(read-only set)" : names.toString(),
                        text(p, "updatedAt"),
                        text(p, "updatedBy"),
                        text(p, "description"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "show",
            description = "Print one policy: its scope and its JSON document.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine policies show --tenant acme pol_…"})
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(
                index = "0",
                paramLabel = "ID",
                description = "Policy id (pol_…), as listed by engine policies list.")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode p = hub.get("/api/v1/tenants/" + tenant + "/policies/" + id);
            if (printedJson(p)) {
                return;
            }
            out().println("Policy " + text(p, "id") + " for " + text(p, "scope") + ", updated " + text(p, "updatedAt")
                    + " by " + text(p, "updatedBy"));
            if (!text(p, "description").isEmpty()) {
                out().println(text(p, "description"));
            }
            out().println(pretty(p.path("policy")));
            out().flush();
        }
    }

    @Command(
            name = "set",
            description = {
                "Create or replace the policy of a scope, from a JSON file in the machine policy file's shape."
                        + " The hub checks it with the agent's rules first and names every problem.",
                "Scopes: tenant (every agent), label:LABEL (agents with that label, e.g. label:team=finance),"
                        + " agent:AGENT_ID (one agent). The most specific scope with a policy wins for each agent;"
                        + " several matching label policies all apply (intersected)."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine policies set --tenant acme --scope tenant --file read-only.json",
                "  engine policies set --tenant acme --scope agent:agt_… --file laptop-4711.json --description \"audit\""
            })
    static final class Set extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--scope",
                required = true,
                paramLabel = "SCOPE",
                description = "tenant, label:LABEL or agent:AGENT_ID.")
        String scope;

        @Option(names = "--file", required = true, paramLabel = "FILE", description = "The policy JSON file.")
        Path file;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the policy is for.")
        String description;

        @Override
        void run(HubClient hub) {
            JsonNode policy;
            try {
                policy = mapper.readTree(Files.readString(file));
            } catch (JsonProcessingException e) {
                throw new CliException(file + " is not valid JSON: " + e.getOriginalMessage() + "; fix the file");
            } catch (IOException e) {
                throw new CliException(
                        "cannot read " + file + " (" + e.getClass().getSimpleName() + "); check the path");
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("scope", scope);
            body.put("policy", policy);
            if (description != null) {
                body.put("description", description);
            }
            JsonNode p = hub.post("/api/v1/tenants/" + tenant + "/policies", body);
            warnIfNoAgentMatches(p, tenant, spec.commandLine().getErr());
            if (!printedJson(p)) {
                out().println("Policy " + text(p, "id") + " for " + text(p, "scope") + " saved; " + reach(p));
                out().flush();
            }
        }
    }

    @Command(
            name = "delete",
            description = "Delete a policy; the agents it applied to fall back to the next less specific scope.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine policies delete --tenant acme pol_…"})
    static final class Delete extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Policy id (pol_…).")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode p = hub.delete("/api/v1/tenants/" + tenant + "/policies/" + id);
            if (!printedJson(p)) {
                out().println("Deleted policy " + id + " (" + text(p, "scope") + "); " + reach(p));
                out().flush();
            }
        }
    }

    /** {@code "sent to 2 of 3 matching agent(s) (1 not connected to this hub node …)"}. */
    static String reach(JsonNode p) {
        int matched = p.path("matchedAgents").asInt();
        int reached = p.path("pushedTo").asInt();
        String line = "the scope matches " + matched + " agent(s); sent to " + reached + " connected to this hub node";
        if (matched > reached) {
            line += " (" + (matched - reached)
                    + " not reached now: offline or on another node; they get it when they next connect)";
        }
        return line + ".";
    }

    /** Says on stderr that the scope matches no agent, so a typo in a label does not go unnoticed. */
    private static void warnIfNoAgentMatches(JsonNode p, String tenant, java.io.PrintWriter err) {
        if (p.path("matchedAgents").isInt() && p.path("matchedAgents").asInt() == 0) {
            err.println("warning: scope " + ClientCommand.text(p, "scope") + " matches no agent of tenant " + tenant
                    + "; the policy is saved but applies to no agent until one with that "
                    + (ClientCommand.text(p, "scope").startsWith("label:") ? "label" : "id")
                    + " enrols. Check the scope with: engine agents list --tenant " + tenant);
            err.flush();
        }
    }
}
