package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "secrets",
        description = {
            "Define secrets for the agents' local vaults, list them, delete them, and wipe one agent's vault.",
            "A value is sealed on the hub to each agent's own exchange key (X25519) and sent over its connection;"
                    + " the agent keeps it in its vault for the cache lifetime and tools use it by name (secret:NAME)."
                    + " No command prints a value, and a value is never taken from the command line: it is read"
                    + " from a file or from standard input (--value-file -). See docs/security/VAULT.md."
        },
        mixinStandardHelpOptions = true,
        subcommands = {
            SecretsCommand.List.class,
            SecretsCommand.Show.class,
            SecretsCommand.Set.class,
            SecretsCommand.Delete.class,
            SecretsCommand.Wipe.class,
            SecretsCommand.AgentVault.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  printf %%s \"$ERP_TOKEN\" | engine secrets set --tenant acme --scope label:team=finance"
                    + " --cache-for 8h --value-file - erp-token",
            "  engine secrets list --tenant acme",
            "  engine secrets wipe --tenant acme agt_…"
        })
final class SecretsCommand {
    @Command(
            name = "list",
            description = "List the tenant's secrets (never their values) and how far each one's delivery got.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine secrets list --tenant acme", "  engine secrets list --tenant acme --json"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode secrets = hub.get("/api/v1/tenants/" + tenant + "/secrets");
            if (printedJson(secrets)) {
                return;
            }
            TextTable table = new TextTable(
                    "NAME", "SCOPE", "VERSION", "CACHE", "USE", "STORED", "PENDING", "REFUSED", "HUB HOLDS");
            for (JsonNode s : secrets) {
                table.row(
                        text(s, "name"),
                        text(s, "scope"),
                        text(s, "version"),
                        text(s, "cacheSeconds") + "s",
                        text(s, "use"),
                        s.path("deliveries").path("stored").asText("0"),
                        s.path("deliveries").path("pending").asText("0"),
                        s.path("deliveries").path("refused").asText("0"),
                        s.path("valueHeld").asBoolean()
                                ? (s.path("hubStorage").asBoolean() ? "yes (hub storage)" : "until delivered")
                                : "no");
            }
            table.print(out());
        }
    }

    @Command(
            name = "show",
            description = "Print one secret's definition and each in-scope agent's delivery state (never the value).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine secrets show --tenant acme erp-token"})
    static final class Show extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "NAME", description = "The secret's name.")
        String name;

        @Override
        void run(HubClient hub) {
            JsonNode s = hub.get("/api/v1/tenants/" + tenant + "/secrets/" + name);
            if (printedJson(s)) {
                return;
            }
            out().println("Secret " + text(s, "name") + " v" + text(s, "version") + " for " + text(s, "scope")
                    + ", cached " + text(s, "cacheSeconds") + " s, use " + text(s, "use"));
            TextTable table = new TextTable("AGENT", "STATE", "ANSWERED", "MESSAGE");
            for (JsonNode d : s.path("agents")) {
                table.row(text(d, "agentId"), text(d, "state"), text(d, "answeredAt"), text(d, "message"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "set",
            description = {
                "Define a secret, or replace its value and settings (its next version). The value is read from"
                        + " FILE, or from standard input with --value-file -; one trailing newline is dropped.",
                "Scopes as for policies: tenant, label:LABEL or agent:AGENT_ID. The hub sends the secret, sealed to"
                        + " each agent's own key, to the agents in scope now and, while it still holds the value, to"
                        + " those that connect later. It holds the value (sealed under its hub secret) only until every"
                        + " agent in scope has it, unless --hub-storage keeps it for agents that join the scope later."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine secrets set --tenant acme --value-file token.txt erp-token",
                "  printf %%s \"$PW\" | engine secrets set --tenant acme --scope agent:agt_… --cache-for 1h"
                        + " --use approval --value-file - erp-db"
            })
    static final class Set extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "NAME", description = "The name tools use (secret:NAME).")
        String name;

        @Option(
                names = "--value-file",
                required = true,
                paramLabel = "FILE",
                description = "Where to read the value: a file, or - for standard input.")
        String valueFile;

        @Option(
                names = "--scope",
                defaultValue = "tenant",
                paramLabel = "SCOPE",
                description = "tenant, label:LABEL or agent:AGENT_ID (default: ${DEFAULT-VALUE}).")
        String scope;

        @Option(
                names = "--cache-for",
                defaultValue = "24h",
                paramLabel = "DURATION",
                description = "How long agents keep it, e.g. 8h or 30d (default: ${DEFAULT-VALUE}).")
        String cacheFor;

        @Option(
                names = "--use",
                defaultValue = "auto",
                paramLabel = "RULE",
                description = "auto; approval: only jobs a person approved on the hub may use it (such jobs wait for"
                        + " approval); consent: each use needs the consent of the person signed in at the machine.")
        String use;

        @Option(
                names = "--hub-storage",
                description = "Keep the value on the hub (sealed under its hub secret) for agents that join later.")
        boolean hubStorage;

        @Option(names = "--description", paramLabel = "TEXT", description = "What the secret is for.")
        String description;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("name", name);
            body.put("value", readValue(valueFile));
            body.put("scope", scope);
            body.put("cacheFor", cacheFor);
            body.put("use", use);
            body.put("hubStorage", hubStorage);
            if (description != null) {
                body.put("description", description);
            }
            JsonNode s = hub.create("/api/v1/tenants/" + tenant + "/secrets", body);
            if (printedJson(s)) {
                return;
            }
            out().println("Secret " + text(s, "name") + " " + text(s, "action") + " (version " + text(s, "version")
                    + "); sealed for " + text(s, "agents") + " agent(s) in scope"
                    + (s.path("awaitingExchangeKey").asInt() > 0
                            ? ", " + text(s, "awaitingExchangeKey") + " of them get it once they connect with an"
                                    + " agent that has an exchange key"
                            : "")
                    + ".");
            if (s.path("agents").asInt() == 0 && !s.path("hubStorage").asBoolean()) {
                spec.commandLine()
                        .getErr()
                        .println("warning: scope " + text(s, "scope") + " matches no agent and --hub-storage is off:"
                                + " no agent will get this value; set it again once agents are in scope");
            }
            out().flush();
        }

        private static String readValue(String file) {
            try {
                byte[] bytes = file.equals("-") ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
                String text = new String(bytes, StandardCharsets.UTF_8);
                if (text.endsWith("\r\n")) {
                    text = text.substring(0, text.length() - 2);
                } else if (text.endsWith("\n")) {
                    text = text.substring(0, text.length() - 1);
                }
                if (text.isEmpty()) {
                    throw new CliException((file.equals("-") ? "standard input" : file)
                            + " holds no value; put the secret's value in it");
                }
                return text;
            } catch (IOException e) {
                throw new CliException("cannot read the value from " + file + " ("
                        + e.getClass().getSimpleName() + "); check the path");
            }
        }
    }

    @Command(
            name = "delete",
            description = "Delete a secret's definition; agents that stored it keep it until its cache lifetime ends"
                    + " or their vault is wiped.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine secrets delete --tenant acme erp-token"})
    static final class Delete extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "NAME", description = "The secret's name.")
        String name;

        @Override
        void run(HubClient hub) {
            JsonNode s = hub.delete("/api/v1/tenants/" + tenant + "/secrets/" + name);
            if (!printedJson(s)) {
                out().println("Deleted secret " + name + ".");
                out().flush();
            }
        }
    }

    @Command(
            name = "wipe",
            description = "Wipe one agent's vault (every secret in it, and the vault's key): sent now if the agent is"
                    + " connected, else when it next connects; the agent acknowledges it.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine secrets wipe --tenant acme agt_…"})
    static final class Wipe extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent whose vault to wipe.")
        String agentId;

        @Override
        void run(HubClient hub) {
            JsonNode w = hub.create("/api/v1/tenants/" + tenant + "/agents/" + agentId + "/vault/wipe", Map.of());
            if (!printedJson(w)) {
                out().println("Wipe " + text(w, "id") + " of agent " + agentId
                        + "'s vault requested; see its state with" + " engine secrets agent --tenant " + tenant + " "
                        + agentId + ".");
                out().flush();
            }
        }
    }

    @Command(
            name = "agent",
            description = "Show one agent's vault as the hub sees it: its exchange key, the secrets sent to it and"
                    + " their states, and the wipes asked for it.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine secrets agent --tenant acme agt_…"})
    static final class AgentVault extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "AGENT_ID", description = "The agent.")
        String agentId;

        @Override
        void run(HubClient hub) {
            JsonNode v = hub.get("/api/v1/tenants/" + tenant + "/agents/" + agentId + "/vault");
            if (printedJson(v)) {
                return;
            }
            String key = text(v, "exchangeKeyFingerprint");
            out().println("Agent " + agentId + ": exchange key "
                    + (key.isEmpty() ? "none yet (the agent gets secrets once it connects with one)" : key));
            TextTable deliveries = new TextTable("SECRET", "VERSION", "STATE", "ANSWERED", "MESSAGE");
            for (JsonNode d : v.path("deliveries")) {
                deliveries.row(
                        text(d, "secret"),
                        text(d, "version"),
                        text(d, "state"),
                        text(d, "answeredAt"),
                        text(d, "message"));
            }
            deliveries.print(out());
            TextTable wipes = new TextTable("WIPE", "STATE", "REQUESTED", "BY", "WIPED");
            for (JsonNode w : v.path("wipes")) {
                wipes.row(
                        text(w, "id"),
                        text(w, "state"),
                        text(w, "requestedAt"),
                        text(w, "requestedBy"),
                        text(w, "wipedAt"));
            }
            wipes.print(out());
        }
    }
}
