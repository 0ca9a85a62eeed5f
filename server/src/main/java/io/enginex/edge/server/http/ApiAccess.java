package io.enginex.edge.server.http;

import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.store.TenantStore;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;

/** Authenticates REST callers and checks what they may touch. */
final class ApiAccess {
    private static final String CALLER = "enginex.caller";

    private final ApiKeys apiKeys;
    private final TenantStore tenants;

    ApiAccess(ApiKeys apiKeys, TenantStore tenants) {
        this.apiKeys = apiKeys;
        this.tenants = tenants;
    }

    /**
     * The authenticated caller; viewers are refused anything but GET.
     *
     * @throws io.enginex.edge.server.HubException.Unauthenticated without a valid API key
     */
    Caller caller(Context ctx) {
        Caller caller = ctx.attribute(CALLER);
        if (caller == null) {
            caller = apiKeys.authenticate(ctx.header("Authorization"));
            ctx.attribute(CALLER, caller);
        }
        if (ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
            caller.requireWrite();
        }
        return caller;
    }

    /**
     * The caller, checked to act on the tenant in the path ({@code {t}}).
     *
     * @throws io.enginex.edge.server.HubException.NotFound {@code tenant_not_found} for a tenant the
     *     caller may not see or that does not exist
     */
    Caller forTenant(Context ctx) {
        Caller caller = caller(ctx);
        String tenant = ctx.pathParam("t");
        caller.requireTenant(tenant);
        if (caller.platform() && tenants.find(tenant).isEmpty()) {
            throw Caller.tenantNotFound(tenant);
        }
        return caller;
    }
}
