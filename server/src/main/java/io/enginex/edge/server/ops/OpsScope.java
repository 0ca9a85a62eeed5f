package io.enginex.edge.server.ops;

/**
 * Whose numbers the ops console shows: the whole hub node (platform principals only) or one
 * tenant's agents and jobs on it. A tenant's principals get {@link #tenant}; only a platform key
 * may read {@link #NODE}, since the node's totals count every tenant's agents and jobs.
 *
 * @param tenantId the tenant, or null for the whole node
 */
public record OpsScope(String tenantId) {
    /** The whole node, across tenants. */
    public static final OpsScope NODE = new OpsScope(null);

    /** One tenant's agents and jobs on this node. */
    public static OpsScope tenant(String tenantId) {
        if (tenantId == null || tenantId.isBlank()) {
            throw new IllegalArgumentException("a tenant scope needs a tenant id; use OpsScope.NODE for the node");
        }
        return new OpsScope(tenantId);
    }

    /** Whether this is the whole node. */
    public boolean node() {
        return tenantId == null;
    }

    /** As the API names it: {@code node} or {@code tenant}. */
    public String wire() {
        return node() ? "node" : "tenant";
    }
}
