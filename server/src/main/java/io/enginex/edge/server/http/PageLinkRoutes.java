package io.enginex.edge.server.http;

import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.dashboard.PageLinks;
import io.enginex.edge.server.store.PageLink;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * A session's page links: {@code GET …/sessions/{sid}/links} lists them (who each was issued to,
 * when it expires, whether it was revoked); {@code POST …/sessions/{sid}/links/{id}/revoke} stops one
 * at once (operators). The links themselves are never listed, only their ids.
 */
final class PageLinkRoutes {
    private final PageLinks links;
    private final ApiAccess access;

    PageLinkRoutes(PageLinks links, ApiAccess access) {
        this.links = links;
        this.access = access;
    }

    /** One link, without its secret part. */
    record LinkView(
            String id,
            String sessionId,
            String issuedTo,
            Instant createdAt,
            Instant expiresAt,
            Instant revokedAt,
            String revokedBy) {
        static LinkView of(PageLink l) {
            return new LinkView(
                    l.id(), l.sessionId(), l.issuedTo(), l.createdAt(), l.expiresAt(), l.revokedAt(), l.revokedBy());
        }
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/sessions/{sid}/links", this::list);
        routes.post("/api/v1/tenants/{t}/sessions/{sid}/links/{id}/revoke", this::revoke);
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(links.list(caller, ctx.pathParam("t"), ctx.pathParam("sid")).stream()
                .map(LinkView::of)
                .toList());
    }

    private void revoke(Context ctx) {
        Caller caller = access.forTenant(ctx);
        PageLink link = links.revoke(
                caller, ctx.pathParam("t"), ctx.pathParam("sid"), ctx.pathParam("id"), Origin.api(ctx.ip()));
        ctx.json(LinkView.of(link));
    }
}
