package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.http.ApiViews.EnrolledAgent;
import io.enginex.edge.server.http.ApiViews.IssuedTokenView;
import io.enginex.edge.server.http.ApiViews.TokenView;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;

/** Registration tokens: {@code /api/v1/tenants/{t}/registration-tokens}, over {@link Enrolment}. */
final class TokenRoutes {
    private final Enrolment enrolment;
    private final ApiAccess access;
    private final ObjectMapper mapper;
    private final IdempotentResponder creates;

    TokenRoutes(Enrolment enrolment, ApiAccess access, ObjectMapper mapper, IdempotentResponder creates) {
        this.enrolment = enrolment;
        this.access = access;
        this.mapper = mapper;
        this.creates = creates;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/registration-tokens", this::create, ApiTrait.IDEMPOTENT);
        routes.get("/api/v1/tenants/{t}/registration-tokens", this::list);
        routes.delete("/api/v1/tenants/{t}/registration-tokens/{id}", this::revoke);
    }

    private void create(Context ctx) {
        Caller caller = access.forTenant(ctx);
        JsonBody body = JsonBody.read(ctx, mapper);
        long ttl = body.integer("ttlSeconds", RegistrationTokens.DEFAULT_TTL.toSeconds());
        long maxUses = body.integer("maxUses", 1);
        Integer ratePerMinute =
                body.raw("ratePerMinute") == null || body.raw("ratePerMinute").isNull()
                        ? null
                        : EnrolmentRate.check(body.integer("ratePerMinute", 0), "ratePerMinute");
        var request = new Enrolment.TokenRequest(
                Duration.ofSeconds(ttl), maxUses, body.textList("labels"), body.text("description", ""), ratePerMinute);
        ctx.header("Cache-Control", "no-store");
        creates.respond(
                ctx,
                caller,
                enrolment.newToken(
                        caller,
                        ctx.pathParam("t"),
                        request,
                        Origin.api(ctx.ip()),
                        issued -> creates.created(
                                issued.token().id(),
                                new IssuedTokenView(
                                        issued.token().id(),
                                        issued.secret(),
                                        issued.token().tenantId(),
                                        issued.token().expiresAt(),
                                        issued.token().maxUses(),
                                        issued.token().labels(),
                                        issued.token().ratePerMinute()))));
    }

    private void list(Context ctx) {
        Caller caller = access.forTenant(ctx);
        ctx.json(enrolment.tokens(caller, ctx.pathParam("t")).stream()
                .map(use -> TokenView.of(
                        use.token(),
                        use.enrolled().stream()
                                .map(a -> new EnrolledAgent(a.id(), a.hostname(), a.createdAt(), a.revokedAt()))
                                .toList()))
                .toList());
    }

    private void revoke(Context ctx) {
        Caller caller = access.forTenant(ctx);
        enrolment.revokeToken(caller, ctx.pathParam("t"), ctx.pathParam("id"), Origin.api(ctx.ip()));
        ctx.status(204);
    }
}
