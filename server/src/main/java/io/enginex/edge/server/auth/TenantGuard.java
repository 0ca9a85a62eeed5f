package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.store.TenantStore;

/**
 * Whether a caller may act on a tenant: its own tenant, or any existing tenant for a platform key.
 * The one check the application services and the API's tenant routes share. Thread-safe.
 */
public final class TenantGuard {
    private final TenantStore tenants;

    public TenantGuard(TenantStore tenants) {
        this.tenants = tenants;
    }

    /**
     * @return {@code caller}, checked
     * @throws HubException.NotFound {@code tenant_not_found} for a tenant the caller may not see or
     *     that does not exist (the same answer, so a tenant key cannot learn which tenants exist)
     */
    public Caller check(Caller caller, String tenant) {
        caller.requireTenant(tenant);
        if (caller.platform() && tenants.find(tenant).isEmpty()) {
            throw Caller.tenantNotFound(tenant);
        }
        return caller;
    }

    /** {@link #check} and {@link Caller#requireWrite()}: the caller may change things in the tenant. */
    public Caller checkWrite(Caller caller, String tenant) {
        check(caller, tenant);
        caller.requireWrite();
        return caller;
    }
}
