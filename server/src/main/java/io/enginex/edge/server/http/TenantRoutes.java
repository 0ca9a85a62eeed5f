package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.ApiViews.IssuedKeyView;
import io.enginex.edge.server.http.ApiViews.TenantView;
import io.enginex.edge.server.store.DuplicateException;
import io.enginex.edge.server.store.Tenant;
import io.enginex.edge.server.store.TenantStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.regex.Pattern;

/** Tenants and API keys: {@code /api/v1/tenants}, {@code /api/v1/tenants/{t}/api-keys}. */
final class TenantRoutes {
    private static final Pattern TENANT_ID = Pattern.compile("[a-z][a-z0-9-]{1,30}");

    private final TenantStore tenants;
    private final ApiKeys apiKeys;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    TenantRoutes(TenantStore tenants, ApiKeys apiKeys, ApiAccess access, ObjectMapper mapper) {
        this.tenants = tenants;
        this.apiKeys = apiKeys;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants", this::create);
        routes.get("/api/v1/tenants", this::list);
        routes.get("/api/v1/tenants/{t}", this::get);
        routes.post("/api/v1/tenants/{t}/api-keys", this::createKey);
    }

    private void create(Context ctx) {
        access.caller(ctx).requirePlatform();
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
        Tenant tenant;
        try {
            tenant = tenants.create(id, name.strip());
        } catch (DuplicateException e) {
            throw new HubException.Conflict("tenant_exists", "a tenant with id " + id + " exists already");
        }
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

    private void createKey(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        Role role = Role.parseTenantRole(body.text("role", Role.OPERATOR.wire()));
        if (!caller.platform() && caller.role() != Role.ADMIN) {
            throw new HubException.Forbidden(
                    "forbidden",
                    "only admin and platform keys may make API keys; API key " + caller.keyId() + " has role "
                            + caller.role().wire());
        }
        String label = body.text("label", "");
        if (label.length() > 200) {
            throw new HubException.BadRequest("label must be at most 200 characters");
        }
        ApiKeys.Issued issued = apiKeys.issue(ctx.pathParam("t"), role, label);
        var key = issued.key();
        ctx.status(201)
                .json(new IssuedKeyView(
                        key.id(), issued.secret(), key.tenantId(), key.role(), key.label(), key.createdAt()));
    }
}
