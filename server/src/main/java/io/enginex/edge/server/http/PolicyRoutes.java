package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.policy.Policies;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.TenantPolicyRecord;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;

/**
 * Tenant policies: {@code /api/v1/tenants/{t}/policies}, over {@link Policies}. Admins and owners set and delete them (each
 * change audited and pushed to the connected agents at once); every role of the tenant may read them,
 * as they say what its agents may do.
 */
final class PolicyRoutes {
    private final Policies policies;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    PolicyRoutes(Policies policies, ApiAccess access, ObjectMapper mapper) {
        this.policies = policies;
        this.access = access;
        this.mapper = mapper;
    }

    /**
     * A tenant policy in the API; only in the answer to a change: {@code matchedAgents} (the tenant's
     * agents the scope covers) and {@code pushedTo} (those connected to this node that the update
     * was written to).
     */
    record PolicyView(
            String id,
            String tenant,
            String scope,
            String description,
            JsonNode policy,
            Instant createdAt,
            Instant updatedAt,
            String updatedBy,
            Integer pushedTo,
            Integer matchedAgents) {}

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/policies", this::list);
        routes.post("/api/v1/tenants/{t}/policies", this::set);
        routes.get("/api/v1/tenants/{t}/policies/{id}", this::show);
        routes.delete("/api/v1/tenants/{t}/policies/{id}", this::delete);
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(policies.list(caller, ctx.pathParam("t")).stream()
                .map(p -> view(p, null))
                .toList());
    }

    private void show(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(view(policies.find(caller, ctx.pathParam("t"), ctx.pathParam("id")), null));
    }

    private void set(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN); // before the body is read, as always
        JsonBody body = JsonBody.read(ctx, mapper);
        Policies.Change change = policies.set(
                caller,
                ctx.pathParam("t"),
                body.requiredText("scope"),
                body.raw("policy"),
                body.text("description", null),
                Origin.api(ctx.ip()));
        ctx.status(change.created() ? 201 : 200).json(view(change.policy(), change.pushed()));
    }

    private void delete(Context ctx) {
        Caller caller = access.forTenant(ctx);
        Policies.Change change = policies.delete(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()));
        ctx.json(view(change.policy(), change.pushed()));
    }

    private PolicyView view(TenantPolicyRecord p, TenantPolicies.Push pushed) {
        return new PolicyView(
                p.id(),
                p.tenantId(),
                p.scope().wire(),
                p.description(),
                policies.document(p),
                p.createdAt(),
                p.updatedAt(),
                p.updatedBy(),
                pushed == null ? null : pushed.reached(),
                pushed == null ? null : pushed.matched());
    }
}
