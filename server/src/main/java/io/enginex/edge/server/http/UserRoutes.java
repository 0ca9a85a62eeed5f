package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Logins;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.IdentityViews.CreatedUserView;
import io.enginex.edge.server.http.IdentityViews.PasswordView;
import io.enginex.edge.server.http.IdentityViews.UserView;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * Users of a tenant: {@code /api/v1/tenants/{t}/users}, over {@link Logins}. Admins and owners
 * manage users; only an owner (or a platform key) may make or reset an owner.
 */
final class UserRoutes {
    private final Logins logins;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    UserRoutes(Logins logins, ApiAccess access, ObjectMapper mapper) {
        this.logins = logins;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/users", this::create);
        routes.get("/api/v1/tenants/{t}/users", this::list);
        routes.post("/api/v1/tenants/{t}/users/{id}/password", this::resetPassword);
        routes.patch("/api/v1/tenants/{t}/users/{id}", this::update);
    }

    private void create(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read: a viewer learns nothing from a 400
        JsonBody body = JsonBody.read(ctx, mapper);
        Role role = Role.parseTenantRole(body.text("role", Role.VIEWER.wire()));
        Users.Created created = logins.createUser(
                caller,
                ctx.pathParam("t"),
                body.requiredText("email"),
                role,
                body.text("password", null),
                Origin.api(ctx.ip()));
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(new CreatedUserView(UserView.of(created.user()), created.generatedPassword()));
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(logins.users(caller, ctx.pathParam("t")).stream()
                .map(UserView::of)
                .toList());
    }

    private void update(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        JsonBody body = JsonBody.read(ctx, mapper);
        String role = body.text("role", null);
        var disabled = body.raw("disabled");
        if (disabled != null && !disabled.isBoolean()) {
            throw new HubException.BadRequest("disabled must be true or false; got " + disabled);
        }
        ctx.json(UserView.of(logins.updateUser(
                caller,
                ctx.pathParam("t"),
                ctx.pathParam("id"),
                role == null ? null : Role.parseTenantRole(role),
                disabled == null ? null : disabled.booleanValue(),
                Origin.api(ctx.ip()))));
    }

    private void resetPassword(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String id = ctx.pathParam("id");
        JsonBody body = JsonBody.read(ctx, mapper);
        String generated =
                logins.resetPassword(caller, ctx.pathParam("t"), id, body.text("password", null), Origin.api(ctx.ip()));
        ctx.header("Cache-Control", "no-store");
        ctx.json(new PasswordView(id, generated));
    }
}
