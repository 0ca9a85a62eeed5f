package io.enginex.edge.server.http;

import io.javalin.security.RouteRole;

/**
 * What a route's registration says about it for the OpenAPI document ({@link OpenApiDocument}), given
 * as Javalin route roles: {@code routes.post("/api/v1/login", this::login, ApiTrait.PUBLIC)}. Nothing
 * checks these at request time (the handlers authenticate, see {@link ApiAccess}); they only describe.
 * A route with no trait is documented as needing an API key or a signed-in session, the safe default.
 */
enum ApiTrait implements RouteRole {
    /** Needs no credential (health, sign-in, the agent's own enrolment calls, downloads, updates). */
    PUBLIC,
    /** Needs the signed-in session's cookie (and CSRF header); an API key is refused. */
    SESSION,
    /** A create that takes an {@value IdempotentResponder#HEADER} header (see {@link IdempotentResponder}). */
    IDEMPOTENT,
    /**
     * Takes an {@code application/x-www-form-urlencoded} body instead of JSON (OAuth's token and
     * revocation endpoints, as RFC 6749 and RFC 7009 define them).
     */
    FORM
}
