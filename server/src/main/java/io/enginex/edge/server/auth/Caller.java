package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;

/**
 * Who is calling the REST API: an API key or a logged-in user, its tenant ({@code null} for a
 * platform key) and its role.
 *
 * @param keyId the API key's id, or the user's id for a {@link Kind#USER}
 * @param session true when authenticated by a session cookie (then state-changing requests need the
 *     CSRF token)
 * @param name how a person knows the caller: the user's email or the API key's label; null when
 *     unknown (an unlabelled key, or a caller made without one). Never a secret.
 */
public record Caller(String keyId, String tenantId, Role role, Kind kind, boolean session, String name) {
    /** What authenticated the caller; {@link #wire()} is the audit trail's {@code actor_type}. */
    public enum Kind {
        API_KEY,
        USER;

        public String wire() {
            return this == API_KEY ? "api_key" : "user";
        }
    }

    public Caller {
        name = name == null || name.isBlank() ? null : name;
    }

    /** A caller whose name is unknown. */
    public Caller(String keyId, String tenantId, Role role, Kind kind, boolean session) {
        this(keyId, tenantId, role, kind, session, null);
    }

    /** A caller authenticated by an API key. */
    public Caller(String keyId, String tenantId, Role role) {
        this(keyId, tenantId, role, Kind.API_KEY, false, null);
    }

    public boolean platform() {
        return role == Role.PLATFORM_ADMIN;
    }

    /** The actor's id for the audit trail and {@code created_by} columns. */
    public String actorId() {
        return keyId;
    }

    /** How the caller is named in error messages, e.g. {@code API key key_…} or {@code user usr_…}. */
    public String describe() {
        return (kind == Kind.API_KEY ? "API key " : "user ") + keyId;
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
                    "forbidden", describe() + " has role viewer, which may only read; use an operator key");
        }
    }

    /** @throws HubException.Forbidden unless this caller's role is at least {@code minimum} */
    public void requireRole(Role minimum) {
        if (!role.atLeast(minimum)) {
            throw new HubException.Forbidden(
                    "forbidden",
                    "this needs role " + minimum.wire() + " or higher; " + describe() + " has role " + role.wire()
                            + "; ask an " + minimum.wire() + " of the tenant");
        }
    }

    /** @throws HubException.Forbidden unless this is a platform key */
    public void requirePlatform() {
        if (!platform()) {
            throw new HubException.Forbidden(
                    "forbidden",
                    "only a platform admin key may do this; " + describe() + " belongs to tenant " + tenantId);
        }
    }

    public static HubException.NotFound tenantNotFound(String tenant) {
        return new HubException.NotFound(
                "tenant_not_found", "no tenant " + tenant + " for this API key; check the tenant id");
    }
}
