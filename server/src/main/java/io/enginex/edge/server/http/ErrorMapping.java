package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.store.DatabaseFailures;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.ExceptionHandler;
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

    /** What a client is told to wait before retrying while the database is unavailable. */
    static final int DATABASE_RETRY_AFTER_SECONDS = 5;

    /**
     * @param limits the body limits, named in the answer to a body that is too large
     * @param repeats keeps a failure that repeats on every request (the database is down) to one log
     *     line a minute with a count
     */
    static void register(RoutesConfig routes, BodyLimits limits, RepeatedLog repeats) {
        routes.exception(HubException.class, neverThrows(ErrorMapping::hubException));
        routes.exception(HttpResponseException.class, neverThrows((e, ctx) -> javalinResponse(e, ctx, limits)));
        routes.exception(Exception.class, fallback(repeats));
    }

    /** The handler for every exception no other handler claims: 503 for the database, else 500. */
    static ExceptionHandler<Exception> fallback(RepeatedLog repeats) {
        return neverThrows((e, ctx) -> {
            if (DatabaseFailures.isUnavailable(e)) {
                databaseUnavailable(e, ctx, repeats);
            } else {
                unexpected(e, ctx, repeats);
            }
        });
    }

    /**
     * An exception handler must not throw: Javalin hands an exception thrown by a handler back to the
     * handlers, and the {@code Exception} handler claims everything, so one failure here loops forever
     * on a virtual thread, writing two stack traces per turn. It happened for real: a dashboard live
     * stream whose browser had left ends after Jetty recycled its request, so Javalin's error step and
     * then {@link Context#path()} throw. A response that can no longer be written is dropped.
     */
    static <E extends Exception> ExceptionHandler<E> neverThrows(ExceptionHandler<E> handler) {
        return (e, ctx) -> {
            try {
                handler.handle(e, ctx);
            } catch (RuntimeException unanswerable) {
                log.atDebug()
                        .addKeyValue("failure", e.getClass().getName())
                        .addKeyValue("cause", unanswerable.toString())
                        .log("no answer sent: the request had already ended (the client left)");
            }
        };
    }

    /**
     * 503 with {@code Retry-After}: the database is down, stalled, restarting or full. Nothing the
     * request meant to write was committed, so the client retries (with the same Idempotency-Key).
     */
    private static void databaseUnavailable(Exception e, Context ctx, RepeatedLog repeats) {
        repeats.admit("database unavailable: " + rootCause(e))
                .ifPresent(silenced -> log.atError()
                        .addKeyValue("path", ctx.path())
                        .setCause(e)
                        .log(repeats.describe("database unavailable", silenced)));
        ctx.header("Retry-After", String.valueOf(DATABASE_RETRY_AFTER_SECONDS));
        respond(
                ctx,
                503,
                "database_unavailable",
                "the hub cannot reach its database right now; nothing was changed. Retry in "
                        + DATABASE_RETRY_AFTER_SECONDS
                        + " s (send the same Idempotency-Key on a create); /readyz says when the hub is ready again");
    }

    private static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getName() + ": " + root.getMessage();
    }

    private static void hubException(HubException e, Context ctx) {
        if (e instanceof HubException.Unauthenticated) {
            ctx.header("WWW-Authenticate", "Bearer");
        }
        respond(ctx, HubErrors.answer(ctx, e), e.code(), e.getMessage());
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

    private static void unexpected(Exception e, Context ctx, RepeatedLog repeats) {
        String incident = UUID.randomUUID().toString();
        // Every incident is logged, so its id can be found; the stack trace only once a minute per cause.
        var first = repeats.admit("unexpected: " + rootCause(e));
        log.atError()
                .addKeyValue("incident", incident)
                .addKeyValue("path", ctx.path())
                .setCause(first.isPresent() ? e : null)
                .log(
                        first.isPresent()
                                ? repeats.describe("request failed unexpectedly", first.getAsLong())
                                : "request failed unexpectedly (" + rootCause(e) + "; stack trace logged earlier)");
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
