package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(
        name = "webhooks",
        description = "Webhook endpoints of a tenant: where the hub sends its job events, signed (tenant admins).",
        mixinStandardHelpOptions = true,
        subcommands = {
            WebhooksCommand.Create.class,
            WebhooksCommand.List.class,
            WebhooksCommand.Delete.class,
            WebhooksCommand.Deliveries.class
        },
        footerHeading = "%nExamples:%n",
        footer = {
            "  engine webhooks create --tenant acme --url https://runtime.example.com/hooks --event job.finished",
            "  engine webhooks list --tenant acme",
            "  engine webhooks deliveries --tenant acme whk_…",
            "  engine webhooks delete --tenant acme whk_…"
        })
final class WebhooksCommand {
    @Command(
            name = "create",
            description = "Register an endpoint and print its signing secret (shown only now). It receives the job"
                    + " events written from now on, each signed (webhook-id, webhook-timestamp, webhook-signature:"
                    + " HMAC-SHA256, the Standard Webhooks scheme) and retried with backoff until it answers 2xx.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {
                "  engine webhooks create --tenant acme --url https://runtime.example.com/hooks",
                "  engine webhooks create --tenant acme --url https://runtime.example.com/hooks \\",
                "      --event job.finished --event job.created --description runtime"
            })
    static final class Create extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--url",
                required = true,
                paramLabel = "URL",
                description = "The https:// address of your receiver (public addresses only, unless the hub runs"
                        + " with --webhook-allow-private-targets).")
        String url;

        @Option(
                names = "--event",
                paramLabel = "TYPE",
                description = "An event type to send: job.created, job.approved, job.denied or job.finished;"
                        + " repeat it for several. Default: all.")
        java.util.List<String> events = new ArrayList<>();

        @Option(names = "--description", paramLabel = "TEXT", description = "What the endpoint is for.")
        String description;

        @Override
        void run(HubClient hub) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("url", url);
            body.put("eventTypes", events);
            if (description != null) {
                body.put("description", description);
            }
            JsonNode created = hub.create("/api/v1/tenants/" + tenant + "/webhooks", body);
            if (printedJson(created)) {
                return;
            }
            out().println("Webhook " + text(created, "id") + " (tenant " + tenant + ") sends "
                    + (events.isEmpty() ? "every job event" : String.join(", ", events)) + " to "
                    + text(created, "url") + ". Its signing secret:");
            out().println();
            out().println("  " + text(created, "secret"));
            out().println();
            out().println("It is shown only now; store it like a password in your receiver, which checks each"
                    + " request's webhook-signature with it (docs/API.md, \"Webhooks\").");
            out().flush();
        }
    }

    @Command(
            name = "list",
            description = "List a tenant's webhook endpoints (never their secrets).",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine webhooks list --tenant acme"})
    static final class List extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Override
        void run(HubClient hub) {
            JsonNode endpoints = hub.get("/api/v1/tenants/" + tenant + "/webhooks");
            if (printedJson(endpoints)) {
                return;
            }
            TextTable table = new TextTable("ID", "URL", "EVENTS", "DESCRIPTION", "CREATED BY", "CREATED");
            for (JsonNode e : endpoints) {
                java.util.List<String> types = new ArrayList<>();
                e.path("eventTypes").forEach(t -> types.add(t.asText()));
                table.row(
                        text(e, "id"),
                        text(e, "url"),
                        types.isEmpty() ? "all" : String.join(",", types),
                        text(e, "description"),
                        text(e, "createdBy"),
                        text(e, "createdAt"));
            }
            table.print(out());
        }
    }

    @Command(
            name = "delete",
            description = "Delete an endpoint: nothing more is sent to it, its pending deliveries are dropped; its"
                    + " delivery log stays readable.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine webhooks delete --tenant acme whk_01jd3k8v6q2x9m4t7c5b0n1r8w"})
    static final class Delete extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Parameters(paramLabel = "WEBHOOK_ID", description = "The endpoint's id.")
        String id;

        @Override
        void run(HubClient hub) {
            hub.delete("/api/v1/tenants/" + tenant + "/webhooks/" + id);
            out().println("Webhook " + id + " deleted.");
            out().flush();
        }
    }

    @Command(
            name = "deliveries",
            description = "An endpoint's delivery log, newest first: state (pending, succeeded, failed), attempts,"
                    + " the last HTTP status and error, and when it is tried next.",
            mixinStandardHelpOptions = true,
            footerHeading = "%nExamples:%n",
            footer = {"  engine webhooks deliveries --tenant acme whk_01jd3k8v6q2x9m4t7c5b0n1r8w --limit 20"})
    static final class Deliveries extends ClientCommand {
        @Option(names = "--tenant", required = true, paramLabel = "TENANT", description = "Tenant id.")
        String tenant;

        @Option(
                names = "--limit",
                paramLabel = "N",
                defaultValue = "50",
                description = "At most this many (1-500). Default: ${DEFAULT-VALUE}.")
        int limit;

        @Parameters(paramLabel = "WEBHOOK_ID", description = "The endpoint's id.")
        String id;

        @Override
        void run(HubClient hub) {
            JsonNode log = hub.get("/api/v1/tenants/" + tenant + "/webhooks/" + id + "/deliveries?limit=" + limit);
            if (printedJson(log)) {
                return;
            }
            TextTable table = new TextTable("ID", "EVENT", "STATE", "ATTEMPTS", "STATUS", "LAST ERROR", "NEXT ATTEMPT");
            for (JsonNode d : log) {
                table.row(
                        text(d, "id"),
                        text(d, "eventType"),
                        text(d, "state"),
                        text(d, "attempts"),
                        text(d, "lastStatus"),
                        text(d, "lastError"),
                        text(d, "nextAttemptAt"));
            }
            table.print(out());
        }
    }
}
