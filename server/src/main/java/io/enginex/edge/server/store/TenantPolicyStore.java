package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Tenant policies, one per scope and tenant. Every call is tenant-scoped. */
public interface TenantPolicyStore {
    /**
     * Stores the policy for {@code scope}: replaces the one there (keeping its id and creation time),
     * or creates one with {@code newId}.
     *
     * @return the stored policy, and whether it was new
     */
    Put put(
            String tenantId,
            PolicyScope scope,
            String policyJson,
            String description,
            String updatedBy,
            Instant now,
            String newId);

    /** The result of {@link #put}. */
    record Put(TenantPolicyRecord policy, boolean created) {}

    /** The tenant's policies, tenant-wide first, then labels, then agents, each by scope value. */
    List<TenantPolicyRecord> list(String tenantId);

    Optional<TenantPolicyRecord> find(String tenantId, String id);

    /** @return false when the tenant has no such policy */
    boolean delete(String tenantId, String id);
}
