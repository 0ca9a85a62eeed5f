package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.ApiViews.IssuedKeyView;
import io.enginex.edge.server.http.ApiViews.TenantView;
import io.enginex.edge.server.http.IdentityViews.ApiKeyView;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.store.ApiKeyStore;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.Tenant;
import io.enginex.edge.server.store.TenantStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Tenants and API keys: {@code /api/v1/tenants}, {@code /api/v1/tenants/{t}/api-keys}. Admins and
 * owners manage keys; only an owner (or a platform key) may make an owner key.
 */
final class TenantRoutes {
    private static final Pattern TENANT_ID = Pattern.compile("[a-z][a-z0-9-]{1,30}");

    private final TenantStore tenants;
    private final ApiKeys apiKeys;
    private final ApiKeyStore keyStore;
    private final ApiAccess access;
    private final Audit audit;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    TenantRoutes(
            TenantStore tenants,
            ApiKeys apiKeys,
            ApiKeyStore keyStore,
            ApiAccess access,
            Audit audit,
            Clock clock,
            ObjectMapper mapper,
            IdempotentResponder creates) {
        this.creates = creates;
        this.tenants = tenants;
        this.apiKeys = apiKeys;
        this.keyStore = keyStore;
        this.access = access;
        this.audit = audit;
        this.clock = clock;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants", this::create);
        routes.get("/api/v1/tenants", this::list);
        routes.get("/api/v1/tenants/{t}", this::get);
        routes.patch("/api/v1/tenants/{t}", this::update);
        routes.post("/api/v1/tenants/{t}/api-keys", this::createKey);
        routes.get("/api/v1/tenants/{t}/api-keys", this::listKeys);
        routes.delete("/api/v1/tenants/{t}/api-keys/{id}", this::revokeKey);
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

    private void createKey(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        Role role = Role.parseTenantRole(body.text("role", Role.OPERATOR.wire()));
        caller.requireRole(role == Role.OWNER ? Role.OWNER : Role.ADMIN);
        String label = body.text("label", "");
        if (label.length() > 200) {
            throw new HubException.BadRequest("label must be at most 200 characters");
        }
        ctx.header("Cache-Control", "no-store");
        creates.respond(
                ctx,
                caller,
                Creation.of(
                        () -> {
                            ApiKeys.Issued issued = apiKeys.issue(ctx.pathParam("t"), role, label, caller.actorId());
                            var key = issued.key();
                            audit.record(
                                    key.tenantId(),
                                    AuditType.API_KEY_CREATED,
                                    Actor.of(caller),
                                    ctx.ip(),
                                    new Audit.Target("api_key", key.id()),
                                    Audit.Outcome.SUCCESS,
                                    Map.of("role", key.role(), "label", key.label()));
                            return issued;
                        },
                        issued -> creates.created(
                                issued.key().id(),
                                new IssuedKeyView(
                                        issued.key().id(),
                                        issued.secret(),
                                        issued.key().tenantId(),
                                        issued.key().role(),
                                        issued.key().label(),
                                        issued.key().createdAt()))));
    }

    private void listKeys(Context ctx) {
        access.forTenant(ctx).requireRole(Role.ADMIN);
        ctx.json(keyStore.list(ctx.pathParam("t")).stream().map(ApiKeyView::of).toList());
    }

    private void revokeKey(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        String tenant = ctx.pathParam("t");
        String id = ctx.pathParam("id");
        var key = keyStore.find(tenant, id)
                .orElseThrow(() -> new HubException.NotFound(
                        "api_key_not_found", "tenant " + tenant + " has no API key " + id + "; list them with GET"));
        if (Role.fromWire(key.role()) == Role.OWNER) {
            caller.requireRole(Role.OWNER);
        }
        if (keyStore.revoke(tenant, id, clock.instant())) {
            audit.record(
                    tenant,
                    AuditType.API_KEY_REVOKED,
                    Actor.of(caller),
                    ctx.ip(),
                    new Audit.Target("api_key", id),
                    Audit.Outcome.SUCCESS,
                    Map.of("role", key.role()));
        }
        ctx.status(204);
    }
}
