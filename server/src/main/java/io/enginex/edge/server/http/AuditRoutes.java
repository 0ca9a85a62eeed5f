package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.AuditChain;
import io.enginex.edge.server.audit.AuditLog;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.http.IdentityViews.AuditEventView;
import io.enginex.edge.server.http.IdentityViews.AuditPage;
import io.enginex.edge.server.store.AuditEvent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * The audit trail: {@code GET /api/v1/tenants/{t}/audit} (admins and owners of the tenant) and
 * {@code GET /api/v1/audit} (hub-wide events; platform keys). Filters {@code type}, {@code actor},
 * {@code outcome}, {@code since} and {@code until} (ISO-8601, until exclusive); newest first, {@code limit} (1-500, default 100) per page, {@code before}
 * = the previous page's {@code next}. {@code GET …/audit/verify} walks the tenant's (or the hub-wide)
 * hash chain and answers how many events verify, or the first broken link.
 */
final class AuditRoutes {
    private final AuditLog log;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    AuditRoutes(AuditLog log, ApiAccess access, ObjectMapper mapper) {
        this.log = log;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/audit", this::tenant);
        routes.get("/api/v1/audit", this::hubWide);
        routes.get("/api/v1/tenants/{t}/audit/verify", this::verifyTenant);
        routes.get("/api/v1/audit/verify", this::verifyHubWide);
    }

    /** The answer of a verification: {@code firstBreak} is null when the chain verifies. */
    record Verification(
            String tenant,
            boolean verified,
            long events,
            long unchained,
            List<AuditChain.Chain> chains,
            AuditChain.Break firstBreak) {
        static Verification of(AuditChain.Report r) {
            return new Verification(r.tenantId(), r.verified(), r.events(), r.unchained(), r.chains(), r.firstBreak());
        }
    }

    private void verifyTenant(Context ctx) {
        ctx.json(Verification.of(log.verify(access.forTenant(ctx), ctx.pathParam("t"))));
    }

    private void verifyHubWide(Context ctx) {
        ctx.json(Verification.of(log.verify(access.caller(ctx), null)));
    }

    private void tenant(Context ctx) {
        page(ctx, access.forTenant(ctx), ctx.pathParam("t"));
    }

    private void hubWide(Context ctx) {
        page(ctx, access.caller(ctx), null);
    }

    private void page(Context ctx, Caller caller, String tenant) {
        int limit = 100;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                throw new HubException.BadRequest("limit must be 1-" + AuditLog.MAX_PAGE + "; got " + limitText);
            }
        }
        List<AuditEvent> events = log.events(
                caller,
                tenant,
                new AuditLog.Query(
                        ctx.queryParam("type"),
                        ctx.queryParam("actor"),
                        ctx.queryParam("outcome"),
                        instant(ctx, "since"),
                        instant(ctx, "until"),
                        ctx.queryParam("before"),
                        limit));
        boolean more = events.size() > limit;
        List<AuditEvent> page = more ? events.subList(0, limit) : events;
        ctx.json(new AuditPage(
                page.stream().map(e -> AuditEventView.of(e, mapper)).toList(),
                more ? page.get(page.size() - 1).id() : null));
    }

    private static Instant instant(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null || text.isBlank()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw new HubException.BadRequest(
                    name + " must be an ISO-8601 instant like 2026-01-31T12:00:00Z; got \"" + text + "\"");
        }
    }
}
