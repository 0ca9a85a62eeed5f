package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.registration.AgentRegistration;
import io.enginex.edge.server.registration.AssertionVerifier;
import io.enginex.edge.server.store.Agent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;

/**
 * The agent's side of the API: {@code POST /api/v1/agent/register} and {@code POST
 * /api/v1/agent/token}, both rate-limited per source address.
 */
final class AgentAuthRoutes {
    private final AgentRegistration registration;
    private final AssertionVerifier verifier;
    private final AccessTokens accessTokens;
    private final RateLimiter registerLimit;
    private final RateLimiter tokenLimit;
    private final ObjectMapper mapper;

    AgentAuthRoutes(
            AgentRegistration registration,
            AssertionVerifier verifier,
            AccessTokens accessTokens,
            RateLimiter registerLimit,
            RateLimiter tokenLimit,
            ObjectMapper mapper) {
        this.registration = registration;
        this.verifier = verifier;
        this.accessTokens = accessTokens;
        this.registerLimit = registerLimit;
        this.tokenLimit = tokenLimit;
        this.mapper = mapper;
    }

    record Registered(String agentId, String tenant, List<String> labels) {}

    record AccessTokenResponse(String accessToken, String tokenType, long expiresIn) {}

    void register(RoutesConfig routes) {
        routes.post("/api/v1/agent/register", this::registerAgent);
        routes.post("/api/v1/agent/token", this::token);
    }

    private void registerAgent(Context ctx) {
        registerLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        Agent agent = registration.register(new AgentRegistration.Request(
                body.text("token", null),
                body.text("publicKey", null),
                body.text("hostname", null),
                body.text("os", null),
                body.text("arch", null),
                body.text("agentVersion", null)));
        ctx.status(201).json(new Registered(agent.id(), agent.tenantId(), agent.labels()));
    }

    private void token(Context ctx) {
        tokenLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        Agent agent = verifier.verify(body.requiredText("assertion"));
        String token = accessTokens.issue(agent);
        ctx.header("Cache-Control", "no-store");
        ctx.json(new AccessTokenResponse(token, "Bearer", AccessTokens.TTL.toSeconds()));
    }
}
