package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code engine audit}: the security audit trail of a tenant. */
@Command(
        name = "audit",
        description = "The audit trail: logins, tokens, API keys, enrolments, revocations.",
        mixinStandardHelpOptions = true,
        subcommands = {AuditCommand.List.class, AuditCommand.Verify.class},
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine audit list --tenant acme",
            "  engine audit verify --tenant acme",
            "  engine audit list --tenant acme --type login.failed --since 2026-01-31T00:00:00Z"
        })
final class AuditCommand {
    @Command(
            name = "list",
            description = "List audit events, newest first.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine audit list --tenant acme --type agent.revoked",
                "  engine audit list --tenant acme --actor usr_… --limit 500 --json"
            })
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--type", paramLabel = "TYPE", description = "Only this type, e.g. login.failed.")
        String type;

        @Option(names = "--actor", paramLabel = "ID", description = "Only events by this user, key or agent id.")
        String actor;

        @Option(names = "--since", paramLabel = "INSTANT", description = "Only events at or after, ISO-8601.")
        String since;

        @Option(names = "--before", paramLabel = "CURSOR", description = "The 'next' cursor of a previous page.")
        String before;

        @Option(names = "--limit", paramLabel = "N", defaultValue = "100", description = "Page size, 1-500.")
        int limit;

        @Override
        void run(HubClient hub) {
            StringBuilder q = new StringBuilder("?limit=").append(limit);
            append(q, "type", type);
            append(q, "actor", actor);
            append(q, "since", since);
            append(q, "before", before);
            JsonNode page = hub.get("/api/v1/tenants/" + tenant + "/audit" + q);
            if (printedJson(page)) {
                return;
            }
            TextTable table = new TextTable("AT", "TYPE", "OUTCOME", "ACTOR", "FROM", "TARGET");
            for (JsonNode e : page.path("events")) {
                table.row(
                        text(e, "at"),
                        text(e, "type"),
                        text(e, "outcome"),
                        text(e.path("actor"), "type") + ":" + text(e.path("actor"), "id"),
                        text(e, "sourceIp"),
                        e.path("target").isObject()
                                ? text(e.path("target"), "type") + ":" + text(e.path("target"), "id")
                                : "");
            }
            table.print(out());
            if (page.path("next").isTextual()) {
                out().println("More: engine audit list --tenant " + tenant + " --before " + text(page, "next"));
                out().flush();
            }
        }

        private static void append(StringBuilder q, String name, String value) {
            if (value != null) {
                q.append('&').append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
            }
        }
    }

    @Command(
            name = "verify",
            description = {
                "Check the tamper-evident hash chain of a tenant's audit trail: prints how many events verify,"
                        + " or the FIRST broken link (event id, time, what differs) and exits with 1.",
                "A broken link means an event was edited, deleted, inserted or reordered in the database."
            },
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine audit verify --tenant acme", "  engine audit verify --hub-wide --json"})
    static final class Verify extends ClientCommand {
        @Option(names = "--tenant", paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(names = "--hub-wide", description = "The chain of hub-wide events (a platform key is needed).")
        boolean hubWide;

        @Override
        void run(HubClient hub) {
            if ((tenant == null) == !hubWide) {
                throw new CliException("give either --tenant TENANT or --hub-wide", CliException.USAGE);
            }
            String chain = hubWide ? "the hub-wide audit chain" : "the audit chain of tenant " + tenant;
            JsonNode report = hub.get(hubWide ? "/api/v1/audit/verify" : "/api/v1/tenants/" + tenant + "/audit/verify");
            if (!printedJson(report)) {
                long unchained = report.path("unchained").asLong();
                String before = unchained == 0
                        ? ""
                        : " (" + unchained + " older event(s) from before the chain began are not covered)";
                if (report.path("verified").asBoolean()) {
                    out().println(chain + ": " + report.path("events").asLong() + " event(s) verify" + before);
                    for (JsonNode c : report.path("chains")) {
                        out().println("  " + chainName(c) + ": "
                                + c.path("events").asLong() + " event(s), newest hash " + text(c, "lastHash"));
                    }
                    if (!report.path("chains").isEmpty()) {
                        out().println("Keep these heads elsewhere: a later run that finds fewer events or another"
                                + " hash was rebuilt.");
                    }
                } else {
                    JsonNode b = report.path("firstBreak");
                    out().println(chain + " is BROKEN after "
                            + report.path("events").asLong() + " good event(s)" + before + ".");
                    out().println("First broken link: #" + b.path("seq").asLong() + " of " + chainName(b)
                            + (b.path("eventId").isTextual() ? ", event " + text(b, "eventId") : "")
                            + (b.path("at").isTextual() ? " at " + text(b, "at") : ""));
                    out().println("What differs: " + text(b, "problem"));
                }
                out().flush();
            }
            if (!report.path("verified").asBoolean()) {
                throw new CliException(
                        chain + " does not verify; see the first broken link above", CliException.FAILURE);
            }
        }
    }

    /** A chain as people read it: the node that appends to it, or the tenant's first chain. */
    private static String chainName(JsonNode node) {
        JsonNode chain = node.path("chain");
        return chain.isTextual()
                ? "node " + chain.asText() + "'s chain"
                : "the first chain (from before chains were per node)";
    }
}
