package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.store.DatabaseUnavailableException;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses. Every error body has the shape
 *
 * <pre>{@code {"error":{"code":"agent_not_found","message":"tenant acme has no agent agt_…; …"}}}</pre>
 */
final class ErrorMapping {
    private static final Logger log = LoggerFactory.getLogger(ErrorMapping.class);

    private ErrorMapping() {}

    /** The JSON error body. */
    record ErrorBody(Detail error) {
        record Detail(String code, String message) {}

        static ErrorBody of(String code, String message) {
            return new ErrorBody(new Detail(code, message));
        }
    }

    /** @param limits the body limits, named in the answer to a body that is too large */
    static void register(RoutesConfig routes, BodyLimits limits) {
        routes.exception(HubException.class, ErrorMapping::hubException);
        routes.exception(HttpResponseException.class, (e, ctx) -> javalinResponse(e, ctx, limits));
        routes.exception(DatabaseUnavailableException.class, (e, ctx) -> {
            log.atError().setCause(e).log("database unavailable");
            respond(ctx, 503, "database_unavailable", e.getMessage());
        });
        routes.exception(Exception.class, ErrorMapping::unexpected);
    }

    private static void hubException(HubException e, Context ctx) {
        if (e instanceof HubException.RateLimited limited) {
            ctx.header("Retry-After", String.valueOf(limited.retryAfterSeconds()));
        }
        if (e instanceof HubException.Unauthenticated) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        respond(ctx, e.httpStatus(), e.code(), e.getMessage());
    }

    private static void javalinResponse(HttpResponseException e, Context ctx, BodyLimits limits) {
        int status = e.getStatus();
        Map<Integer, String> codes = Map.of(
                400, "bad_request",
                404, "not_found",
                405, "method_not_allowed",
                413, "payload_too_large",
                415, "unsupported_media_type");
        String code = codes.getOrDefault(status, "http_" + status);
        String message = switch (status) {
            case 404 -> "no such endpoint: " + ctx.method() + " " + ctx.path() + "; the API lives under /api/v1";
            case 413 ->
                "the request body exceeds the hub's document size limit of " + limits.maxDocumentBytes()
                        + " bytes; send a smaller body (the hub's maxBodyBytes sets the limit)";
            default -> e.getMessage();
        };
        respond(ctx, status, code, message);
    }

    private static void unexpected(Exception e, Context ctx) {
        String incident = UUID.randomUUID().toString();
        log.atError()
                .addKeyValue("incident", incident)
                .addKeyValue("path", ctx.path())
                .setCause(e)
                .log("request failed unexpectedly");
        respond(
                ctx,
                500,
                "internal",
                "the hub failed unexpectedly (incident " + incident + "); the hub's log has the details");
    }

    static void respond(Context ctx, int status, String code, String message) {
        ApiHeaders.apply(ctx);
        ctx.status(status).json(ErrorBody.of(code, message));
        ctx.contentType(ApiHeaders.JSON);
    }
}
