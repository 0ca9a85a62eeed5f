package io.enginex.edge.server.ops;

/**
 * Whose numbers the ops console shows: every tenant's (platform principals only) or one tenant's
 * agents and jobs. A tenant's principals get {@link #tenant}; only a platform key may read {@link
 * #ALL}, since the totals count every tenant's agents and jobs. Which hub nodes' numbers are shown
 * (the cluster's or one node's) is another choice, made with {@link ClusterHistory#view}.
 *
 * @param tenantId the tenant, or null for every tenant
 */
public record OpsScope(String tenantId) {
    /** Every tenant's agents and jobs. */
    public static final OpsScope ALL = new OpsScope(null);

    /** One tenant's agents and jobs. */
    public static OpsScope tenant(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("a tenant scope needs a tenant id; use OpsScope.ALL for every tenant");
        }
        return new OpsScope(tenantId);
    }

    /** Whether this is every tenant. */
    public boolean all() {
        return tenantId == null;
    }

    /** As the API names it: {@code all} or {@code tenant}. */
    public String wire() {
        return all() ? "all" : "tenant";
    }
}
