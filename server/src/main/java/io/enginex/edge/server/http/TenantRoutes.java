package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.ApiViews.TenantView;
import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.Tenant;
import io.enginex.edge.server.store.TenantStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** Tenants: {@code /api/v1/tenants} (platform keys make them; admins set a tenant's enrolment budget). */
final class TenantRoutes {
    private static final Pattern TENANT_ID = Pattern.compile("[a-z][a-z0-9-]{1,30}");

    private final TenantStore tenants;
    private final ApiAccess access;
    private final Audit audit;
    private final ObjectMapper mapper;

    TenantRoutes(TenantStore tenants, ApiAccess access, Audit audit, ObjectMapper mapper) {
        this.tenants = tenants;
        this.access = access;
        this.audit = audit;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants", this::create);
        routes.get("/api/v1/tenants", this::list);
        routes.get("/api/v1/tenants/{t}", this::get);
        routes.patch("/api/v1/tenants/{t}", this::update);
    }

    private void create(Context ctx) {
        Caller caller = access.caller(ctx);
        caller.requirePlatform();
        JsonBody body = JsonBody.read(ctx, mapper);
        String id = body.requiredText("id");
        if (!TENANT_ID.matcher(id).matches()) {
            throw new HubException.BadRequest("id must be 2-31 characters: a lower-case letter, then lower-case "
                    + "letters, digits or '-' (like acme or acme-eu); got \"" + id + "\"");
        }
        String name = body.text("name", id);
        if (name.isBlank() || name.length() > 200) {
            throw new HubException.BadRequest("name must be 1-200 characters");
        }
        PrintableField.require(name, "name");
        Tenant tenant;
        try {
            tenant = tenants.create(id, name.strip());
        } catch (DuplicateException e) {
            throw new HubException.Conflict("tenant_exists", "a tenant with id " + id + " exists already");
        }
        audit.record(
                tenant.id(),
                AuditType.TENANT_CREATED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("tenant", tenant.id()),
                Audit.Outcome.SUCCESS,
                Map.of("name", tenant.name()));
        ctx.status(201).json(TenantView.of(tenant));
    }

    private void list(Context ctx) {
        Caller caller = access.caller(ctx);
        List<Tenant> visible = caller.platform()
                ? tenants.list()
                : tenants.find(caller.tenantId()).stream().toList();
        ctx.json(visible.stream().map(TenantView::of).toList());
    }

    private void get(Context ctx) {
        access.forTenant(ctx);
        String id = ctx.pathParam("t");
        ctx.json(TenantView.of(tenants.find(id).orElseThrow(() -> Caller.tenantNotFound(id))));
    }

    /** {@code {"enrolmentRatePerMinute": 200}} sets the tenant's enrolment budget; {@code null} resets it. */
    private void update(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        String id = ctx.pathParam("t");
        JsonBody body = JsonBody.read(ctx, mapper);
        if (body.raw("enrolmentRatePerMinute") == null) {
            throw new HubException.BadRequest("nothing to change: send {\"enrolmentRatePerMinute\": 200}, or null"
                    + " to return to the hub's default");
        }
        Integer rate = body.raw("enrolmentRatePerMinute").isNull()
                ? null
                : EnrolmentRate.check(body.integer("enrolmentRatePerMinute", 0), "enrolmentRatePerMinute");
        if (!tenants.setEnrolmentRate(id, rate)) {
            throw Caller.tenantNotFound(id);
        }
        audit.record(
                id,
                AuditType.TENANT_UPDATED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("tenant", id),
                Audit.Outcome.SUCCESS,
                Map.of("enrolmentRatePerMinute", rate == null ? "default" : rate));
        ctx.json(TenantView.of(tenants.find(id).orElseThrow(() -> Caller.tenantNotFound(id))));
    }
}
