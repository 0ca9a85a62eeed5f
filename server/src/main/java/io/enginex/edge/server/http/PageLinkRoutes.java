package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.dashboard.PageCapability;
import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.SessionStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;

/**
 * A session's page links: {@code GET …/sessions/{sid}/links} lists them (who each was issued to,
 * when it expires, whether it was revoked); {@code POST …/sessions/{sid}/links/{id}/revoke} stops one
 * at once (operators). The links themselves are never listed, only their ids.
 */
final class PageLinkRoutes {
    private final SessionStore sessions;
    private final PageCapability capability;
    private final ApiAccess access;
    private final Audit audit;

    PageLinkRoutes(SessionStore sessions, PageCapability capability, ApiAccess access, Audit audit) {
        this.sessions = sessions;
        this.capability = capability;
        this.access = access;
        this.audit = audit;
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
        access.forTenant(ctx).requireRole(Role.OPERATOR);
        String tenant = ctx.pathParam("t");
        String sid = requireSession(tenant, ctx.pathParam("sid"));
        ctx.json(capability.list(tenant, sid).stream().map(LinkView::of).toList());
    }

    private void revoke(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.OPERATOR);
        String tenant = ctx.pathParam("t");
        String sid = requireSession(tenant, ctx.pathParam("sid"));
        PageLink link = capability.revoke(tenant, sid, ctx.pathParam("id"), caller.actorId());
        audit.record(
                tenant,
                AuditType.PAGE_LINK_REVOKED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("page-link", link.id()),
                Audit.Outcome.SUCCESS,
                Map.of("sessionId", sid, "issuedTo", link.issuedTo()));
        ctx.json(LinkView.of(link));
    }

    private String requireSession(String tenant, String sid) {
        return sessions.find(tenant, sid)
                .orElseThrow(() ->
                        new HubException.NotFound("session_not_found", "tenant " + tenant + " has no session " + sid))
                .id();
    }
}
