package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.Users;
import io.enginex.edge.server.http.IdentityViews.CreatedUserView;
import io.enginex.edge.server.http.IdentityViews.PasswordView;
import io.enginex.edge.server.http.IdentityViews.UserView;
import io.enginex.edge.server.store.User;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Map;

/**
 * Users of a tenant: {@code /api/v1/tenants/{t}/users}. Admins and owners manage users; only an
 * owner (or a platform key) may make or reset an owner.
 */
final class UserRoutes {
    private final Users users;
    private final ApiAccess access;
    private final Audit audit;
    private final ObjectMapper mapper;

    UserRoutes(Users users, ApiAccess access, Audit audit, ObjectMapper mapper) {
        this.users = users;
        this.access = access;
        this.audit = audit;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/users", this::create);
        routes.get("/api/v1/tenants/{t}/users", this::list);
        routes.post("/api/v1/tenants/{t}/users/{id}/password", this::resetPassword);
    }

    private void create(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        JsonBody body = JsonBody.read(ctx, mapper);
        Role role = Role.parseTenantRole(body.text("role", Role.VIEWER.wire()));
        caller.requireRole(role == Role.OWNER ? Role.OWNER : Role.ADMIN);
        String tenant = ctx.pathParam("t");
        Users.Created created =
                users.create(tenant, body.requiredText("email"), role, body.text("password", null), caller.actorId());
        User user = created.user();
        audit.record(
                tenant,
                AuditType.USER_CREATED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("user", user.id()),
                Audit.Outcome.SUCCESS,
                Map.of("email", user.email(), "role", user.role()));
        ctx.header("Cache-Control", "no-store");
        ctx.status(201).json(new CreatedUserView(UserView.of(user), created.generatedPassword()));
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        ctx.json(users.list(ctx.pathParam("t")).stream().map(UserView::of).toList());
    }

    private void resetPassword(Context ctx) {
        Caller caller = access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        String id = ctx.pathParam("id");
        User user = users.find(tenant, id);
        boolean self = caller.kind() == Caller.Kind.USER && caller.actorId().equals(id);
        if (!self) {
            caller.requireRole(Role.fromWire(user.role()) == Role.OWNER ? Role.OWNER : Role.ADMIN);
        }
        JsonBody body = JsonBody.read(ctx, mapper);
        String generated = users.resetPassword(tenant, id, body.text("password", null));
        audit.record(
                tenant,
                AuditType.PASSWORD_RESET,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("user", id),
                Audit.Outcome.SUCCESS,
                Map.of("self", self));
        ctx.header("Cache-Control", "no-store");
        ctx.json(new PasswordView(id, generated));
    }
}
