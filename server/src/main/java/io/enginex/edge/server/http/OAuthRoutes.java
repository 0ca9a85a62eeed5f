package io.enginex.edge.server.http;

import com.nimbusds.oauth2.sdk.http.HTTPRequest;
import io.enginex.edge.server.oauth.OAuthClients;
import io.enginex.edge.server.oauth.OAuthError;
import io.enginex.edge.server.oauth.OAuthMetadata;
import io.enginex.edge.server.oauth.OAuthTokens;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.net.URI;

/**
 * The hub as OAuth 2.1 authorization server and protected resource for its MCP endpoint: the two
 * discovery documents (RFC 9728, RFC 8414), client registration (RFC 7591), the token endpoint and
 * revocation (RFC 7009). All public (a client has no credential yet, or proves itself with a code,
 * a PKCE verifier or a token); the consent page is the dashboard's ({@code OAuthConsentPages}).
 * Answers are the RFCs' JSON, never cached; errors are OAuth's {@code {"error","error_description"}}.
 */
final class OAuthRoutes {
    private final OAuthMetadata metadata;
    private final OAuthClients clients;
    private final OAuthTokens tokens;
    private final RateLimiter registrations;

    OAuthRoutes(OAuthMetadata metadata, OAuthClients clients, OAuthTokens tokens, RateLimiter registrations) {
        this.metadata = metadata;
        this.clients = clients;
        this.tokens = tokens;
        this.registrations = registrations;
    }

    void register(RoutesConfig routes) {
        routes.get(OAuthMetadata.RESOURCE_METADATA_PATH, this::resourceMetadata, ApiTrait.PUBLIC);
        routes.get(
                OAuthMetadata.RESOURCE_METADATA_PATH + OAuthMetadata.RESOURCE_PATH,
                this::resourceMetadata,
                ApiTrait.PUBLIC);
        routes.get(OAuthMetadata.SERVER_METADATA_PATH, this::serverMetadata, ApiTrait.PUBLIC);
        routes.post(OAuthMetadata.REGISTER_PATH, this::registerClient, ApiTrait.PUBLIC);
        routes.post(OAuthMetadata.TOKEN_PATH, this::token, ApiTrait.PUBLIC, ApiTrait.FORM);
        routes.post(OAuthMetadata.REVOKE_PATH, this::revoke, ApiTrait.PUBLIC, ApiTrait.FORM);
    }

    private void resourceMetadata(Context ctx) {
        ctx.header("Cache-Control", "max-age=300");
        ctx.json(metadata.resourceMetadata());
    }

    private void serverMetadata(Context ctx) {
        ctx.header("Cache-Control", "max-age=300");
        ctx.contentType("application/json").result(metadata.serverMetadata());
    }

    private void registerClient(Context ctx) {
        registrations.acquire(ctx.ip());
        answer(ctx, () -> {
            ctx.status(201);
            return clients.register(ctx.body(), ctx.ip()).toJSONString();
        });
    }

    private void token(Context ctx) {
        answer(ctx, () -> tokens.token(nimbus(ctx), ctx.ip()).toJSONString());
    }

    private void revoke(Context ctx) {
        answer(ctx, () -> {
            tokens.revoke(nimbus(ctx), ctx.ip());
            return "{}";
        });
    }

    private interface Answer {
        String json();
    }

    private static void answer(Context ctx, Answer answer) {
        ctx.header("Cache-Control", "no-store");
        try {
            String json = answer.json();
            ctx.contentType("application/json").result(json);
        } catch (OAuthError e) {
            ctx.status(e.status())
                    .contentType("application/json")
                    .result(e.error().toJSONObject().toJSONString());
        }
    }

    /** The request as the Nimbus SDK parses it: method, URL, content type, body and any Authorization. */
    private static HTTPRequest nimbus(Context ctx) {
        var request = new HTTPRequest(HTTPRequest.Method.POST, URI.create(ctx.fullUrl()));
        if (ctx.contentType() != null) {
            request.setHeader("Content-Type", ctx.contentType());
        }
        if (ctx.header("Authorization") != null) {
            request.setAuthorization(ctx.header("Authorization"));
        }
        request.setBody(ctx.body());
        return request;
    }
}
