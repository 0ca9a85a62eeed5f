package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.http.ApiViews.IssuedKeyView;
import io.enginex.edge.server.http.IdentityViews.ApiKeyView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * API keys: {@code /api/v1/tenants/{t}/api-keys}, over {@link Logins}. Admins and owners manage
 * keys; only an owner (or a platform key) may make an owner key.
 */
final class ApiKeyRoutes {
    private final Logins logins;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    ApiKeyRoutes(Logins logins, ApiAccess access, ObjectMapper mapper, IdempotentResponder creates) {
        this.logins = logins;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/api-keys", this::createKey, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/api-keys", this::listKeys);
        routes.delete("/api/v1/tenants/{t}/api-keys/{id}", this::revokeKey);
    }

    private void createKey(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        Role role = Role.parseTenantRole(body.text("role", Role.OPERATOR.wire()));
        var creation = logins.newApiKey(
                caller,
                ctx.pathParam("t"),
                role,
                body.text("label", ""),
                Origin.api(ctx.ip()),
                issued -> creates.created(
                        issued.key().id(),
                        new IssuedKeyView(
                                issued.key().id(),
                                issued.secret(),
                                issued.key().tenantId(),
                                issued.key().role(),
                                issued.key().label(),
                                issued.key().createdAt())));
        ctx.header("Cache-Control", "no-store");
        creates.respond(ctx, caller, creation);
    }

    private void listKeys(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(logins.apiKeys(caller, ctx.pathParam("t")).stream()
                .map(ApiKeyView::of)
                .toList());
    }

    private void revokeKey(Context ctx) {
        Caller caller = access.forTenant(ctx);
        logins.revokeApiKey(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()));
        ctx.status(204);
    }
}
