package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.javalin.http.Context;

/**
 * The one place where a {@link HubException} becomes an HTTP status line and its headers, for the
 * API (which then writes a JSON error body, see {@code ErrorMapping}) and for the dashboard (which
 * renders an error page or the form again). The status itself comes from {@link
 * HubException#httpStatus()}; nothing else turns a refusal into a number.
 */
public final class HubErrors {
    private HubErrors() {}

    /**
     * Sets the status of {@code e} on the response, and {@code Retry-After} when it is rate limited or
     * the hub is overloaded.
     *
     * @return the status set
     */
    public static int answer(Context ctx, HubException e) {
        if (e instanceof HubException.RateLimited limited) {
            ctx.header("Retry-After", String.valueOf(limited.retryAfterSeconds()));
        }
        if (e instanceof HubException.Overloaded overloaded) {
            ctx.header("Retry-After", String.valueOf(overloaded.retryAfterSeconds()));
        }
        ctx.status(e.httpStatus());
        return e.httpStatus();
    }
}
