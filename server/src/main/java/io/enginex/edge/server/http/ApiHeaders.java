package io.enginex.edge.server.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;

/**
 * The response headers every JSON API answer carries, errors and unknown routes included: no MIME
 * sniffing, no caching (answers are per caller and may carry secrets), no framing, no content of any
 * kind may load from a JSON document, no referrer, and HSTS when the request came over TLS. Dashboard
 * pages set their own (see {@code dashboard.Pages}).
 */
final class ApiHeaders {
    static final String JSON = "application/json; charset=utf-8";
    static final String CSP = "default-src 'none'; frame-ancestors 'none'";
    static final String HSTS = "max-age=31536000";

    private ApiHeaders() {}

    /** Applies the headers to {@code /api/*} and {@code /healthz}, before and after each handler. */
    static void register(RoutesConfig routes) {
        for (String path : new String[] {"/api/*", "/healthz"}) {
            routes.before(path, ApiHeaders::apply);
            routes.after(path, ApiHeaders::utf8Json);
        }
    }

    /** Sets the security headers on {@code ctx}'s response. */
    static void apply(Context ctx) {
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Referrer-Policy", "no-referrer");
        if (ctx.req().isSecure()) {
            ctx.header("Strict-Transport-Security", HSTS);
        }
    }

    /** Javalin labels JSON {@code application/json}; say the charset too. */
    static void utf8Json(Context ctx) {
        String type = ctx.res().getContentType();
        if (type != null && type.startsWith("application/json") && !type.contains("charset")) {
            ctx.contentType(JSON);
        }
    }
}
