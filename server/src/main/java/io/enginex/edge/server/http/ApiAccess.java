package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.auth.Users;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/**
 * Authenticates REST callers and checks what they may touch. A caller is either an API key ({@code
 * Authorization: Bearer exk_…}) or a logged-in user (the {@value #SESSION_COOKIE} cookie); a
 * cookie-authenticated request that changes state must also carry the session's CSRF token in
 * {@value #CSRF_HEADER}, so another site cannot make the browser act.
 */
final class ApiAccess {
    static final String SESSION_COOKIE = "enginex_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String CALLER = "enginex.caller";

    private final ApiKeys apiKeys;
    private final Users users;
    private final TenantGuard guard;

    ApiAccess(ApiKeys apiKeys, Users users, TenantGuard guard) {
        this.apiKeys = apiKeys;
        this.users = users;
        this.guard = guard;
    }

    /**
     * The authenticated caller; viewers are refused anything but GET.
     *
     * @throws HubException.Unauthenticated without a valid API key or session
     * @throws HubException.Forbidden {@code csrf_failed} for a cookie request without the CSRF token
     */
    Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        boolean write = ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD;
        if (caller == null) {
            String cookie = ctx.cookie(SESSION_COOKIE);
            if (ctx.header("Authorization") == null && cookie != null && cookie.startsWith(Users.SESSION_PREFIX)) {
                caller = users.authenticateSession(cookie);
                if (write) {
                    String csrf = ctx.header(CSRF_HEADER);
                    if (csrf == null || !Secrets.constantTimeEquals(csrf, Users.csrfToken(cookie))) {
                        throw new HubException.Forbidden(
                                "csrf_failed",
                                "this request changes state and needs the " + CSRF_HEADER + " header from the "
                                        + "login response; reload the page and try again");
                    }
                }
            } else {
                caller = apiKeys.authenticate(ctx.header("Authorization"));
            }
            ctx.attribute(CALLER, caller);
        }
        if (write) {
            caller.requireWrite();
        }
        return caller;
    }

    /**
     * The caller authenticated again from the request's credential (not the one remembered for the
     * request), checked for {@code tenant}: a long-lived answer (an event stream) calls it before it
     * sends more, so a revoked key or ended session stops receiving.
     *
     * @throws HubException when the credential no longer authenticates or may not see the tenant
     */
    Caller again(Context ctx, String tenant) {
        ctx.attribute(CALLER, null);
        return forTenant(ctx, tenant);
    }

    /**
     * The caller, checked to act on the tenant in the path ({@code {t}}).
     *
     * @throws io.enginex.edge.server.HubException.NotFound {@code tenant_not_found} for a tenant the
     *     caller may not see or that does not exist
     */
    Caller forTenant(Context ctx) {
        return forTenant(ctx, ctx.pathParam("t"));
    }

    /** The caller, checked to act on {@code tenant} (named in the body rather than the path). */
    Caller forTenant(Context ctx, String tenant) {
        return guard.check(caller(ctx), tenant);
    }
}
