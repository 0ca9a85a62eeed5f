package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditChain;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.IdentityViews.AuditEventView;
import io.enginex.edge.server.http.IdentityViews.AuditPage;
import io.enginex.edge.server.store.AuditEvent;
import io.enginex.edge.server.store.AuditStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The audit trail: {@code GET /api/v1/tenants/{t}/audit} (admins and owners of the tenant) and
 * {@code GET /api/v1/audit} (hub-wide events; platform keys). Filters {@code type}, {@code actor},
 * {@code outcome}, {@code since} and {@code until} (ISO-8601, until exclusive); newest first, {@code limit} (1-500, default 100) per page, {@code before}
 * = the previous page's {@code next}. {@code GET …/audit/verify} walks the tenant's (or the hub-wide)
 * hash chain and answers how many events verify, or the first broken link.
 */
final class AuditRoutes {
    private static final int MAX_LIMIT = 500;

    private final AuditStore store;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final AuditChain chain;

    AuditRoutes(AuditStore store, ApiAccess access, ObjectMapper mapper) {
        this.store = store;
        this.chain = new AuditChain(store);
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
    record Verification(String tenant, boolean verified, long events, long unchained, AuditChain.Break firstBreak) {
        static Verification of(AuditChain.Report r) {
            return new Verification(r.tenantId(), r.verified(), r.events(), r.unchained(), r.firstBreak());
        }
    }

    private void verifyTenant(Context ctx) {
        access.forTenant(ctx).requireRole(Role.ADMIN);
        ctx.json(Verification.of(chain.verify(ctx.pathParam("t"))));
    }

    private void verifyHubWide(Context ctx) {
        access.caller(ctx).requirePlatform();
        ctx.json(Verification.of(chain.verify(null)));
    }

    private void tenant(Context ctx) {
        access.forTenant(ctx).requireRole(Role.ADMIN);
        page(ctx, ctx.pathParam("t"));
    }

    private void hubWide(Context ctx) {
        access.caller(ctx).requirePlatform();
        page(ctx, null);
    }

    private void page(Context ctx, String tenant) {
        String type = ctx.queryParam("type");
        if (type != null && AuditType.fromWire(type) == null) {
            throw new HubException.BadRequest("type must be one of "
                    + Arrays.stream(AuditType.values()).map(AuditType::wire).collect(Collectors.joining(", "))
                    + "; got \"" + type + "\"");
        }
        String outcome = ctx.queryParam("outcome");
        if (outcome != null
                && Arrays.stream(Audit.Outcome.values()).noneMatch(o -> o.wire().equals(outcome))) {
            throw new HubException.BadRequest("outcome must be one of "
                    + Arrays.stream(Audit.Outcome.values())
                            .map(Audit.Outcome::wire)
                            .collect(Collectors.joining(", "))
                    + "; got \"" + outcome + "\"");
        }
        Instant since = instant(ctx, "since");
        Instant until = instant(ctx, "until");
        int limit = 100;
        String limitText = ctx.queryParam("limit");
        if (limitText != null) {
            try {
                limit = Integer.parseInt(limitText);
            } catch (NumberFormatException e) {
                limit = -1;
            }
            if (limit < 1 || limit > MAX_LIMIT) {
                throw new HubException.BadRequest("limit must be 1-" + MAX_LIMIT + "; got " + limitText);
            }
        }
        List<AuditEvent> events = store.list(
                tenant,
                type,
                blankToNull(ctx.queryParam("actor")),
                outcome,
                since,
                until,
                ctx.queryParam("before"),
                limit + 1);
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

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
