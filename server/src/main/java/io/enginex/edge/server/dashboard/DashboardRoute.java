package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Role;

/**
 * One route of the dashboard as {@link Pages} registered it: the dashboard's route table ({@link
 * Dashboard#routes()}), so tests can go over every page and live stream (tenant isolation, security
 * headers) and a route added later is covered without anyone remembering to list it.
 *
 * @param minimum the least role that may use it; null for {@link Kind#OPEN}, {@link Kind#OPEN_ACTION}
 *     and {@link Kind#ASSET}
 */
public record DashboardRoute(String method, String path, Kind kind, Role minimum) {
    /** How a route is answered. */
    public enum Kind {
        /** {@code GET}, signed in: an HTML page (or a download). */
        PAGE,
        /** {@code POST}, signed in, CSRF-checked: a form or htmx action. */
        ACTION,
        /** {@code GET}, signed in: a server-sent event stream of one live fragment. */
        LIVE,
        /** {@code GET} anyone may open (sign-in, redirects, the capability link's session page). */
        OPEN,
        /** {@code POST} anyone may send (the sign-in form); checks its own CSRF token. */
        OPEN_ACTION,
        /** A static file (CSS, JS): no tenant data, no HTML. */
        ASSET
    }

    /** As Javalin lists it, e.g. {@code GET /ui/agents/{id}}. */
    public String key() {
        return method + " " + path;
    }
}
