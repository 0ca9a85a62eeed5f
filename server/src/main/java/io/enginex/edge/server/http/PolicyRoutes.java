package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.TenantPolicyRecord;
import io.enginex.edge.server.store.TenantPolicyStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.Map;

/**
 * Tenant policies: {@code /api/v1/tenants/{t}/policies}. Admins and owners set and delete them (each
 * change audited and pushed to the connected agents at once); every role of the tenant may read them,
 * as they say what its agents may do.
 */
final class PolicyRoutes {
    private final TenantPolicies policies;
    private final ApiAccess access;
    private final Audit audit;
    private final ObjectMapper mapper;

    PolicyRoutes(TenantPolicies policies, ApiAccess access, Audit audit, ObjectMapper mapper) {
        this.policies = policies;
        this.access = access;
        this.audit = audit;
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
        access.forTenant(ctx);
        ctx.json(policies.list(ctx.pathParam("t")).stream()
                .map(p -> view(p, null))
                .toList());
    }

    private void show(Context ctx) {
        access.forTenant(ctx);
        ctx.json(view(policies.find(ctx.pathParam("t"), ctx.pathParam("id")), null));
    }

    private void set(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        String tenant = ctx.pathParam("t");
        JsonBody body = JsonBody.read(ctx, mapper);
        TenantPolicyStore.Put put = policies.set(
                tenant,
                body.requiredText("scope"),
                body.raw("policy"),
                body.text("description", null),
                caller.actorId());
        TenantPolicyRecord p = put.policy();
        audit.record(
                tenant,
                AuditType.POLICY_CHANGED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("policy", p.id()),
                Audit.Outcome.SUCCESS,
                Map.of("scope", p.scope().wire(), "action", put.created() ? "created" : "replaced"));
        TenantPolicies.Push pushed = policies.push(tenant, p.scope());
        ctx.status(put.created() ? 201 : 200).json(view(p, pushed));
    }

    private void delete(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireRole(Role.ADMIN);
        String tenant = ctx.pathParam("t");
        TenantPolicyRecord p = policies.delete(tenant, ctx.pathParam("id"));
        audit.record(
                tenant,
                AuditType.POLICY_DELETED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("policy", p.id()),
                Audit.Outcome.SUCCESS,
                Map.of("scope", p.scope().wire()));
        TenantPolicies.Push pushed = policies.push(tenant, p.scope());
        ctx.json(view(p, pushed));
    }

    private PolicyView view(TenantPolicyRecord p, TenantPolicies.Push pushed) {
        return new PolicyView(
                p.id(),
                p.tenantId(),
                p.scope().wire(),
                p.description(),
                policies.read(p.policyJson()),
                p.createdAt(),
                p.updatedAt(),
                p.updatedBy(),
                pushed == null ? null : pushed.reached(),
                pushed == null ? null : pushed.matched());
    }
}
