package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.store.WebhookDelivery;
import io.enginex.edge.server.store.WebhookEndpoint;
import io.enginex.edge.server.webhook.Webhooks;
import java.util.List;

/**
 * The tenant's webhook endpoints and their delivery logs, {@code GET /ui/webhooks} (admins, as the
 * API's {@code …/webhooks}): each endpoint with its latest {@value #DELIVERIES} deliveries, their
 * state, attempts, last HTTP status and error. Endpoints are registered with the API or {@code engine
 * webhooks create}, which show the secret once.
 */
public final class WebhookPages implements PageGroup {
    static final int DELIVERIES = 20;

    private final Webhooks webhooks;

    WebhookPages(Webhooks webhooks) {
        this.webhooks = webhooks;
    }

    /** One endpoint and its latest deliveries, newest first. */
    public record EndpointLog(WebhookEndpoint endpoint, List<WebhookDelivery> deliveries) {}

    /** The page's model. */
    public record WebhooksView(Page page, List<EndpointLog> endpoints) {}

    @Override
    public void register(Pages pages) {
        pages.get("/ui/webhooks", Role.ADMIN, (ctx, viewer) -> {
            List<EndpointLog> logs = webhooks.list(viewer.caller(), viewer.tenantId()).stream()
                    .map(e -> new EndpointLog(
                            e, webhooks.deliveries(viewer.caller(), viewer.tenantId(), e.id(), DELIVERIES)))
                    .toList();
            pages.render(ctx, "webhooks.jte", new WebhooksView(pages.page("Webhooks", viewer, "webhooks"), logs));
        });
    }
}
