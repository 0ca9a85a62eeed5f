package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.config.HumanDuration;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "tokens",
        description = "Registration tokens: what a new agent presents once to enrol in a tenant.",
        mixinStandardHelpOptions = true,
        subcommands = {TokensCommand.Create.class, TokensCommand.List.class, TokensCommand.Revoke.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine tokens create --tenant acme --label finance",
            "  engine tokens list --tenant acme",
            "  engine tokens revoke --tenant acme rt_…"
        })
final class TokensCommand {
    @Command(
            name = "create",
            description = "Create a registration token and print the command that enrols an agent with it.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine tokens create --tenant acme",
                "  engine tokens create --tenant acme --ttl 7d --uses 50 --label finance --label emea \\",
                "      --description \"finance laptops, rollout week 12\"",
                "  engine tokens create --tenant acme --ttl 1d --uses 1000 --rate-limit 1000/min   (1,000 machines behind"
                        + " one NAT address)"
            })
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--ttl",
                paramLabel = "DURATION",
                defaultValue = "1h",
                description = "How long the token is valid: 60s to 30d (e.g. 15m, 1h, 7d). Default: ${DEFAULT-VALUE}.")
        String ttl;

        @Option(
                names = "--uses",
                paramLabel = "N",
                defaultValue = "1",
                description = "How many agents may enrol with it (1-10000). Default: ${DEFAULT-VALUE}.")
        int uses;

        @Option(
                names = "--label",
                paramLabel = "LABEL",
                description = "A label every agent enrolled with this token gets; repeat for several.")
        java.util.List<String> labels = new ArrayList<>();

        @Option(names = "--description", paramLabel = "TEXT", description = "What the token is for.")
        String description;

        @Option(
                names = "--rate-limit",
                paramLabel = "N/min",
                description = "Agents that may enrol with this token per minute from one source address (1/min to"
                        + " 100000/min), e.g. 1000/min for a fleet behind one NAT address. Default: the tenant's"
                        + " setting, else the hub's --enrolment-rate-limit.")
        String rateLimit;

        @Override
        void run(HubClient hub) {
            Duration duration;
            try {
                duration = HumanDuration.parse(ttl);
            } catch (IllegalArgumentException e) {
                throw new CliException("--ttl: " + e.getMessage(), CliException.USAGE);
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("ttlSeconds", duration.toSeconds());
            body.put("maxUses", uses);
            body.put("labels", labels);
            if (description != null) {
                body.put("description", description);
            }
            if (rateLimit != null) {
                body.put("ratePerMinute", CliRates.parse(rateLimit, "--rate-limit"));
            }
            JsonNode token = hub.create("/api/v1/tenants/" + tenant + "/registration-tokens", body);
            if (printedJson(token)) {
                return;
            }
            var out = out();
            out.println("Registration token " + text(token, "id") + " for tenant " + tenant + " ("
                    + text(token, "maxUses") + " use(s), expires " + text(token, "expiresAt")
                    + (labels.isEmpty() ? "" : ", labels " + String.join(",", labels))
                    + (rateLimit == null ? "" : ", " + text(token, "ratePerMinute") + " enrolments/min per address")
                    + "):");
            out.println();
            out.println("  " + text(token, "token"));
            out.println();
            out.println("It is shown only now. To enrol an agent, run on its machine:");
            out.println();
            out.println("  enginex-agent register --server " + hub.base() + " --token " + text(token, "token")
                    + (hub.pin() == null ? "" : " --pin " + hub.pin()));
            out.flush();
        }
    }

    @Command(
            name = "list",
            description =
                    "List a tenant's registration tokens (never their secrets): uses, expiry, who created it, last"
                            + " use, labels and the agents each enrolled.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine tokens list --tenant acme"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode tokens = hub.get("/api/v1/tenants/" + tenant + "/registration-tokens");
            if (printedJson(tokens)) {
                return;
            }
            TextTable table = new TextTable(
                    "ID",
                    "USES",
                    "RATE",
                    "EXPIRES",
                    "REVOKED",
                    "CREATED BY",
                    "LAST USED",
                    "LABELS",
                    "AGENTS",
                    "DESCRIPTION");
            for (JsonNode t : tokens) {
                table.row(
                        text(t, "id"),
                        text(t, "uses") + "/" + text(t, "maxUses"),
                        t.hasNonNull("ratePerMinute") ? text(t, "ratePerMinute") + "/min" : "default",
                        text(t, "expiresAt"),
                        text(t, "revokedAt"),
                        text(t, "createdBy"),
                        text(t, "lastUsedAt"),
                        labels(t),
                        enrolled(t),
                        text(t, "description"));
            }
            table.print(out());
        }

        /** The agents the token enrolled: {@code agt_… (hostname)}, with {@code revoked} when they are. */
        private static String enrolled(JsonNode token) {
            java.util.List<String> agents = new java.util.ArrayList<>();
            for (JsonNode a : token.path("agents")) {
                agents.add(text(a, "id") + " (" + text(a, "hostname") + ")"
                        + (a.hasNonNull("revokedAt") ? " revoked" : ""));
            }
            return agents.isEmpty() ? "-" : String.join(", ", agents);
        }
    }

    @Command(
            name = "revoke",
            description = "Revoke a registration token so it enrols nothing more. Agents enrolled with it stay.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine tokens revoke --tenant acme rt_01jd3k8v6q2x9m4t7c5b0n1r8w"})
    static final class Revoke extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(index = "0", paramLabel = "ID", description = "Token id (rt_…), as listed by `engine tokens list`.")
        String id;

        @Override
        void run(HubClient hub) {
            hub.delete("/api/v1/tenants/" + tenant + "/registration-tokens/" + id);
            if (!printedJson(mapper.createObjectNode().put("revoked", id))) {
                out().println("Revoked registration token " + id + ".");
                out().flush();
            }
        }
    }
}
