package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.PageLink;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.SessionStore;
import io.enginex.edge.server.store.Transactions;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A session's share links (read-only page links, see {@link PageCapability}) as use cases, for the
 * API and the dashboard: issue a link's URL, list a session's links, revoke one (operators; the
 * revocation and its {@code page-link.revoked} event commit together). Thread-safe.
 */
public final class PageLinks {
    private final PageCapability capability;
    private final SessionPage page;
    private final SessionStore sessions;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final Supplier<String> baseUrl;

    public PageLinks(
            PageCapability capability,
            SessionPage page,
            SessionStore sessions,
            Audit audit,
            TenantGuard guard,
            Transactions tx,
            Supplier<String> baseUrl) {
        this.capability = capability;
        this.page = page;
        this.sessions = sessions;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.baseUrl = baseUrl;
    }

    /** The read-only page of a session, opened with a link's capability. */
    SessionPage page() {
        return page;
    }

    /** A new share link's URL for {@code session}, issued to {@code caller}. */
    public String shareUrl(Caller caller, Session session) {
        return baseUrl.get() + "/ui/sessions/" + session.id() + "?t="
                + capability.issue(session.tenantId(), session.id(), caller.actorId());
    }

    /**
     * A session's links (operators).
     *
     * @throws HubException.NotFound {@code session_not_found}
     */
    public List<PageLink> list(Caller caller, String tenant, String sessionId) {
        guard.check(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        return capability.list(tenant, requireSession(tenant, sessionId));
    }

    /**
     * Revokes a link (operators), audited {@code page-link.revoked} in the same transaction.
     *
     * @throws HubException.NotFound {@code session_not_found} or the link's
     */
    public PageLink revoke(Caller caller, String tenant, String sessionId, String linkId, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.OPERATOR);
        String sid = requireSession(tenant, sessionId);
        return tx.inTransaction(() -> {
            PageLink link = capability.revoke(tenant, sid, linkId, caller.actorId());
            audit.record(
                    tenant,
                    AuditType.PAGE_LINK_REVOKED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("page-link", link.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("sessionId", sid, "issuedTo", link.issuedTo())));
            return link;
        });
    }

    private String requireSession(String tenant, String sid) {
        return sessions.find(tenant, sid)
                .orElseThrow(() ->
                        new HubException.NotFound("session_not_found", "tenant " + tenant + " has no session " + sid))
                .id();
    }
}
