package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.http.ApiViews.EnrolledAgent;
import io.enginex.edge.server.http.ApiViews.IssuedTokenView;
import io.enginex.edge.server.http.ApiViews.TokenView;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.registration.EnrolmentRate;
import io.enginex.edge.server.registration.RegistrationTokens;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Registration tokens: {@code /api/v1/tenants/{t}/registration-tokens}. */
final class TokenRoutes {
    private final RegistrationTokens tokens;
    private final AgentStore agents;
    private final ApiAccess access;
    private final Audit audit;
    private final ObjectMapper mapper;

    private final IdempotentResponder creates;

    TokenRoutes(
            RegistrationTokens tokens,
            AgentStore agents,
            ApiAccess access,
            Audit audit,
            ObjectMapper mapper,
            IdempotentResponder creates) {
        this.creates = creates;
        this.tokens = tokens;
        this.agents = agents;
        this.access = access;
        this.audit = audit;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.post("/api/v1/tenants/{t}/registration-tokens", this::create);
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
        List<String> labels = body.textList("labels");
        String description = body.text("description", "");
        ctx.header("Cache-Control", "no-store");
        creates.respond(
                ctx,
                caller,
                Creation.of(
                        () -> {
                            var issued = tokens.issue(
                                    ctx.pathParam("t"),
                                    Duration.ofSeconds(ttl),
                                    (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, maxUses)),
                                    labels,
                                    description,
                                    caller.keyId(),
                                    ratePerMinute);
                            var t = issued.token();
                            audit.record(
                                    t.tenantId(),
                                    AuditType.TOKEN_CREATED,
                                    Actor.of(caller),
                                    ctx.ip(),
                                    new Audit.Target("registration_token", t.id()),
                                    Audit.Outcome.SUCCESS,
                                    Map.of(
                                            "maxUses",
                                            t.maxUses(),
                                            "expiresAt",
                                            t.expiresAt().toString(),
                                            "labels",
                                            t.labels(),
                                            "ratePerMinute",
                                            t.ratePerMinute() == null ? "default" : t.ratePerMinute()));
                            return issued;
                        },
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
        access.forTenant(ctx);
        String tenant = ctx.pathParam("t");
        Map<String, List<EnrolledAgent>> byToken = new HashMap<>();
        for (Agent a : agents.list(tenant)) {
            if (a.registrationTokenId() != null) {
                byToken.computeIfAbsent(a.registrationTokenId(), k -> new ArrayList<>())
                        .add(new EnrolledAgent(a.id(), a.hostname(), a.createdAt(), a.revokedAt()));
            }
        }
        ctx.json(tokens.list(tenant).stream()
                .map(t -> TokenView.of(t, byToken.getOrDefault(t.id(), List.of())))
                .toList());
    }

    private void revoke(Context ctx) {
        Caller caller = access.forTenant(ctx);
        tokens.revoke(ctx.pathParam("t"), ctx.pathParam("id"));
        audit.record(
                ctx.pathParam("t"),
                AuditType.TOKEN_REVOKED,
                Actor.of(caller),
                ctx.ip(),
                new Audit.Target("registration_token", ctx.pathParam("id")),
                Audit.Outcome.SUCCESS,
                Map.of());
        ctx.status(204);
    }
}
