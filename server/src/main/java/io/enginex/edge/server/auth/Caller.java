package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;

/**
 * Who is calling the REST API: the API key's id, its tenant ({@code null} for a platform key) and
 * its role.
 */
public record Caller(String keyId, String tenantId, Role role) {
    public boolean platform() {
        return role == Role.PLATFORM_ADMIN;
    }

    /**
     * Checks that this caller may act on {@code tenant}.
     *
     * @throws HubException.NotFound {@code tenant_not_found} for any tenant of another caller, so a
     *     tenant key cannot learn which tenants exist
     */
    public void requireTenant(String tenant) {
        if (!platform() && !tenantId.equals(tenant)) {
            throw tenantNotFound(tenant);
        }
    }

    /** @throws HubException.Forbidden unless this caller may change things (not a viewer) */
    public void requireWrite() {
        if (role == Role.VIEWER) {
            throw new HubException.Forbidden(
                    "forbidden", "API key " + keyId + " has role viewer, which may only read; use an operator key");
        }
    }

    /** @throws HubException.Forbidden unless this is a platform key */
    public void requirePlatform() {
        if (!platform()) {
            throw new HubException.Forbidden(
                    "forbidden",
                    "only a platform admin key may do this; API key " + keyId + " belongs to tenant " + tenantId);
        }
    }

    public static HubException.NotFound tenantNotFound(String tenant) {
        return new HubException.NotFound(
                "tenant_not_found", "no tenant " + tenant + " for this API key; check the tenant id");
    }
}
