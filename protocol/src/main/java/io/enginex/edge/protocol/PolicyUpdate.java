package io.enginex.edge.protocol;

import java.util.List;

/**
 * Hub → agent: the tenant policies that apply to this agent changed (added in protocol 1.0 without a
 * version change). The agent recomputes its effective policy at once, without restarting, and
 * answers with {@link Advertise}. {@code tenantPolicies} replaces what {@code welcome} or an
 * earlier update sent; empty means no tenant policy applies any more.
 *
 * <p>A hub sends it only on connections whose agent sent {@code advertise}, so an older agent never
 * sees it (and would answer {@code unknown_type} if it did).
 *
 * <pre>{@code
 * {"type":"policy","id":"h-30","tenantPolicies":[{"id":"pol_…","scope":"tenant","policy":{…},
 *  "updatedAt":"…"}]}
 * }</pre>
 *
 * @param graphs the graphs assigned to the agent now (optional, added without a version change), which
 *     replace those it had; null when they did not change (or the hub does not know graphs). A hub sends
 *     this frame with both lists when either changed.
 */
public record PolicyUpdate(String id, List<TenantPolicy> tenantPolicies, AssignedGraphs graphs) implements Message {
    public static final String TYPE = "policy";

    public PolicyUpdate {
        Messages.requireText(id, "id");
        tenantPolicies = tenantPolicies == null ? List.of() : List.copyOf(tenantPolicies);
    }

    /** A policy update that says nothing of graphs. */
    public PolicyUpdate(String id, List<TenantPolicy> tenantPolicies) {
        this(id, tenantPolicies, null);
    }
}
