package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.store.WebhookDelivery;
import io.enginex.edge.server.store.WebhookEndpoint;
import io.enginex.edge.server.webhook.Webhooks;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * Webhook endpoints and their delivery log: {@code /api/v1/tenants/{t}/webhooks}, over {@link
 * Webhooks} (tenant admins). The create's answer carries the signing secret, once.
 */
final class WebhookRoutes {
    private final Webhooks webhooks;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    WebhookRoutes(Webhooks webhooks, ApiAccess access, ObjectMapper mapper, IdempotentResponder creates) {
        this.webhooks = webhooks;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    /** An endpoint as the API shows it: never its secret. */
    record EndpointView(
            String id, String url, String description, List<String> eventTypes, Instant createdAt, String createdBy) {
        static EndpointView of(WebhookEndpoint e) {
            return new EndpointView(e.id(), e.url(), e.description(), e.eventTypes(), e.createdAt(), e.createdBy());
        }
    }

    /** The create's answer: the endpoint and its signing secret, shown this once. */
    record CreatedView(
            String id,
            String url,
            String description,
            List<String> eventTypes,
            Instant createdAt,
            String createdBy,
            String secret) {}

    /** One delivery in the log. */
    record DeliveryView(
            String id,
            String eventId,
            String eventType,
            String state,
            int attempts,
            Integer lastStatus,
            String lastError,
            Instant lastAttemptAt,
            Instant nextAttemptAt,
            Instant createdAt) {
        static DeliveryView of(WebhookDelivery d) {
            return new DeliveryView(
                    d.id(),
                    d.eventId(),
                    d.eventType(),
                    d.state(),
                    d.attempts(),
                    d.lastStatus(),
                    d.lastError(),
                    d.lastAttemptAt(),
                    d.nextAttemptAt(),
                    d.createdAt());
        }
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/webhooks", this::create, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/webhooks", this::list);
        routes.delete("/api/v1/tenants/{t}/webhooks/{id}", this::delete);
        routes.get("/api/v1/tenants/{t}/webhooks/{id}/deliveries", this::deliveries);
    }

    private void create(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        var creation = webhooks.newEndpoint(
                caller,
                ctx.pathParam("t"),
                body.requiredText("url"),
                body.text("description", ""),
                body.textList("eventTypes"),
                Origin.api(ctx.ip()),
                registered -> {
                    WebhookEndpoint e = registered.endpoint();
                    return creates.created(
                            e.id(),
                            new CreatedView(
                                    e.id(),
                                    e.url(),
                                    e.description(),
                                    e.eventTypes(),
                                    e.createdAt(),
                                    e.createdBy(),
                                    registered.secret()));
                });
        ctx.header("Cache-Control", "no-store");
        creates.respond(ctx, caller, creation);
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(webhooks.list(caller, ctx.pathParam("t")).stream()
                .map(EndpointView::of)
                .toList());
    }

    private void delete(Context ctx) {
        Caller caller = access.forTenant(ctx);
        webhooks.delete(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()));
        ctx.status(204);
    }

    private void deliveries(Context ctx) {
        Caller caller = access.forTenant(ctx);
        int limit = limit(ctx.queryParam("limit"));
        ctx.json(webhooks.deliveries(caller, ctx.pathParam("t"), ctx.pathParam("id"), limit).stream()
                .map(DeliveryView::of)
                .toList());
    }

    private static int limit(String value) {
        if (value == null || value.isBlank()) {
            return 50;
        }
        try {
            return (int) Math.min(500, Math.max(1, Long.parseLong(value.strip())));
        } catch (NumberFormatException e) {
            throw new HubException.BadRequest("limit must be a whole number; got \"" + value + "\"");
        }
    }
}
