package io.enginex.edge.server.policy;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.store.TenantPolicyRecord;
import io.enginex.edge.server.store.TenantPolicyStore;
import io.enginex.edge.server.store.Transactions;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Tenant policies as a use case, for every front end: every role of the tenant reads them (they say
 * what its agents may do); admins and owners set and delete them. A change and its audit event
 * commit together; then the tenant's connected agents are sent their new policies (network, after
 * the commit) and live views are told. The rules themselves are {@link TenantPolicies}. Thread-safe.
 */
public final class Policies {
    private final TenantPolicies policies;
    private final Audit audit;
    private final TenantGuard guard;
    private final Transactions tx;
    private final LiveViews live;

    public Policies(TenantPolicies policies, Audit audit, TenantGuard guard, Transactions tx, LiveViews live) {
        this.policies = policies;
        this.audit = audit;
        this.guard = guard;
        this.tx = tx;
        this.live = live;
    }

    /**
     * A change made: the policy as stored (for a delete: as it was) and whom it reached.
     *
     * @param created true when a set made a new policy rather than replacing one
     */
    public record Change(TenantPolicyRecord policy, boolean created, TenantPolicies.Push pushed) {}

    public List<TenantPolicyRecord> list(Caller caller, String tenant) {
        guard.check(caller, tenant);
        return policies.list(tenant);
    }

    /** @throws HubException.NotFound {@code policy_not_found} */
    public TenantPolicyRecord find(Caller caller, String tenant, String id) {
        guard.check(caller, tenant);
        return policies.find(tenant, id);
    }

    /**
     * The tenant policy that makes this call need a person's approval, if any (see {@link
     * TenantPolicies#approvalRequiredBy}); for showing why a job waits.
     */
    public Optional<String> approvalRequiredBy(Agent agent, String tool, JsonNode args) {
        return policies.approvalRequiredBy(agent, tool, args);
    }

    /**
     * A change checked and previewed, nothing saved: every problem by form field ({@code scope},
     * {@code policy}, {@code description}; see {@link TenantPolicies#problems}) or, when there is none,
     * the {@link PolicyPreview}.
     */
    public record Draft(java.util.Map<String, String> problems, PolicyPreview preview) {}

    /**
     * Checks a change as {@link #set} would and previews it, writing nothing: admins and owners, as
     * {@link #set}.
     *
     * @param agentId the agent whose effective policy to show, or null/blank for none
     * @throws HubException.NotFound {@code agent_not_found} when {@code agentId} is not the tenant's
     */
    public Draft preview(
            Caller caller, String tenant, String scopeText, JsonNode policy, String description, String agentId) {
        guard.check(caller, tenant);
        caller.requireRole(Role.ADMIN);
        Agent chosen = agentId == null || agentId.isBlank()
                ? null
                : policies.agent(tenant, agentId.strip())
                        .orElseThrow(() -> new HubException.NotFound(
                                "agent_not_found",
                                "tenant " + tenant + " has no agent " + agentId.strip() + "; choose one of the list"));
        var problems = policies.problems(tenant, scopeText, policy, description);
        if (!problems.isEmpty()) {
            return new Draft(problems, null);
        }
        PolicyScope scope = PolicyScope.parse(scopeText);
        List<TenantPolicyRecord> now = policies.list(tenant);
        TenantPolicyRecord draft = now.stream()
                .filter(p -> p.scope().equals(scope))
                .findFirst()
                .map(p -> new TenantPolicyRecord(
                        p.id(),
                        tenant,
                        scope,
                        policies.validate(policy),
                        description,
                        p.createdAt(),
                        p.updatedAt(),
                        caller.actorId()))
                .orElse(new TenantPolicyRecord(
                        "the new policy", tenant, scope, policies.validate(policy), description, null, null, null));
        List<TenantPolicyRecord> after = new java.util.ArrayList<>(
                now.stream().filter(p -> !p.scope().equals(scope)).toList());
        after.add(draft);
        List<Agent> covered = policies.covered(tenant, scope);
        int governed = (int) covered.stream()
                .filter(a -> policies.applicable(a, after).stream().anyMatch(p -> p.id().equals(draft.id())))
                .count();
        List<io.enginex.edge.protocol.TenantPolicy> appliedAfter =
                chosen == null ? List.of() : policies.applicable(chosen, after);
        return new Draft(
                Map.of(),
                new PolicyPreview(
                        scope.wire(),
                        covered.size(),
                        covered.stream().limit(PolicyPreview.SHOWN).toList(),
                        governed,
                        chosen,
                        chosen == null ? List.of() : policies.applicable(chosen, now),
                        appliedAfter,
                        chosen == null ? null : PolicyPreview.Rules.of(appliedAfter)));
    }

    /** A policy's document, as JSON. */
    public JsonNode document(TenantPolicyRecord policy) {
        return policies.read(policy.policyJson());
    }

    /**
     * Sets the policy of a scope (replacing the one there), audited {@code policy.changed}, then
     * pushed to the agents it covers.
     *
     * @throws HubException.BadRequest {@code invalid_scope} or {@code invalid_policy}
     * @throws HubException.NotFound {@code agent_not_found} for an agent scope naming no agent
     */
    public Change set(Caller caller, String tenant, String scope, JsonNode policy, String description, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        TenantPolicyStore.Put put = tx.inTransaction(() -> {
            TenantPolicyStore.Put made = policies.set(tenant, scope, policy, description, caller.actorId());
            TenantPolicyRecord p = made.policy();
            audit.record(
                    tenant,
                    AuditType.POLICY_CHANGED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("policy", p.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("scope", p.scope().wire(), "action", made.created() ? "created" : "replaced")));
            return made;
        });
        return afterCommit(tenant, put.policy(), put.created());
    }

    /**
     * Deletes a policy, audited {@code policy.deleted}, and pushes the agents it covered their
     * policies without it.
     *
     * @throws HubException.NotFound {@code policy_not_found}
     */
    public Change delete(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        caller.requireRole(Role.ADMIN);
        TenantPolicyRecord deleted = tx.inTransaction(() -> {
            TenantPolicyRecord p = policies.delete(tenant, id);
            audit.record(
                    tenant,
                    AuditType.POLICY_DELETED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("policy", p.id()),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of("scope", p.scope().wire())));
            return p;
        });
        return afterCommit(tenant, deleted, false);
    }

    private Change afterCommit(String tenant, TenantPolicyRecord policy, boolean created) {
        TenantPolicies.Push pushed = policies.push(tenant, policy.scope());
        live.changed(tenant);
        return new Change(policy, created, pushed);
    }
}
