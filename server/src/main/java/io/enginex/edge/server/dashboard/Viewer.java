package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;

/**
 * The person signed in to the dashboard: a user of exactly one tenant, authenticated by the session
 * cookie. Pages act on {@link #tenantId()} only, so a tenant never appears in a dashboard URL.
 *
 * @param csrfToken the session's CSRF token; every form carries it (see {@link Pages})
 * @param hasPassword false for a person single sign-on made who has no password of the hub (the
 *     header then offers no password change)
 */
public record Viewer(String userId, String email, String tenantId, Role role, String csrfToken, boolean hasPassword) {
    /** Whether this person's role is at least {@code minimum}. */
    public boolean can(Role minimum) {
        return role.atLeast(minimum);
    }

    /** This person as the application services see a caller (a user signed in with a session). */
    public Caller caller() {
        return new Caller(userId, tenantId, role, Caller.Kind.USER, true, email);
    }

    /** The role as shown, e.g. {@code operator}. */
    public String roleName() {
        return role.wire();
    }
}
