package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.ratelimit.RateLimiter;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.registration.AgentRegistration;
import io.enginex.edge.server.registration.Enrolment;
import io.enginex.edge.server.store.Agent;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Instant;
import java.util.List;

/**
 * The agent's side of the API: {@code POST /api/v1/agent/register}, {@code /token}, {@code
 * /rotate-key} and {@code /deregister}, over {@link Enrolment}; rate-limited per source address,
 * registration by the budgets of {@link EnrolmentLimiter}.
 */
final class AgentAuthRoutes {
    private final Enrolment enrolment;
    private final EnrolmentLimiter enrolmentLimit;
    private final RateLimiter tokenLimit;
    private final ObjectMapper mapper;

    AgentAuthRoutes(Enrolment enrolment, EnrolmentLimiter enrolmentLimit, RateLimiter tokenLimit, ObjectMapper mapper) {
        this.enrolment = enrolment;
        this.enrolmentLimit = enrolmentLimit;
        this.tokenLimit = tokenLimit;
        this.mapper = mapper;
    }

    /** @param replaced earlier agents of the same machine, now marked replaced by this one */
    record Registered(String agentId, String tenant, List<String> labels, List<String> replaced) {}

    record AccessTokenResponse(String accessToken, String tokenType, long expiresIn) {}

    void register(RoutesConfig routes) {
        routes.post("/api/v1/agent/register", this::registerAgent, ApiTrait.PUBLIC);
        routes.post("/api/v1/agent/token", this::token, ApiTrait.PUBLIC);
        routes.post("/api/v1/agent/rotate-key", this::rotateKey, ApiTrait.PUBLIC);
        routes.post("/api/v1/agent/deregister", this::deregister, ApiTrait.PUBLIC);
    }

    private void registerAgent(Context ctx) {
        JsonBody body = JsonBody.read(ctx, mapper);
        String presented = body.text("token", null);
        try {
            enrolmentLimit.acquire(presented, ctx.ip());
        } catch (HubException.RateLimited refused) {
            // the token's tenant sees the refusal on its failed enrolments page
            enrolment.registrationRateLimited(presented, body.text("hostname", null), ctx.ip());
            throw refused;
        }
        var registered = enrolment.register(
                new AgentRegistration.Request(
                        presented,
                        body.text("publicKey", null),
                        body.text("hostname", null),
                        body.text("os", null),
                        body.text("arch", null),
                        body.text("agentVersion", null)),
                body.text("machineId", null),
                ctx.ip());
        Agent agent = registered.agent();
        ctx.status(201).json(new Registered(agent.id(), agent.tenantId(), agent.labels(), registered.replaced()));
    }

    /**
     * An access token for a valid client assertion. Limited so that a fleet behind one NAT address can
     * come back at once after a hub restart: a refused request spends its source address's budget
     * (the hub's token rate a minute), and an address out of budget is refused before any work; a
     * granted one spends only its agent's budget ({@link AccessTokens#PER_AGENT_PER_MINUTE}).
     */
    private void token(Context ctx) {
        tokenLimit.requireLeft("failed:" + ctx.ip(), "too many refused access-token requests from this address");
        String token;
        try {
            JsonBody body = JsonBody.read(ctx, mapper);
            token = enrolment.accessToken(
                    body.requiredText("assertion"),
                    agentId -> tokenLimit.acquire(
                            "agent:" + agentId,
                            AccessTokens.PER_AGENT_PER_MINUTE,
                            "too many access tokens for this agent; it reconnects with backoff"));
        } catch (HubException.RateLimited e) {
            throw e;
        } catch (HubException e) {
            tokenLimit.spend("failed:" + ctx.ip());
            throw e;
        }
        ctx.header("Cache-Control", "no-store");
        ctx.json(new AccessTokenResponse(token, "Bearer", AccessTokens.TTL.toSeconds()));
    }

    record RotatedView(String agentId, String keyFingerprint) {}

    private void rotateKey(Context ctx) {
        tokenLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        Agent after = enrolment.rotateKey(
                body.requiredText("assertion"),
                body.requiredText("newPublicKey"),
                body.requiredText("proof"),
                ctx.ip());
        ctx.json(new RotatedView(after.id(), KeyFingerprint.ofBase64(after.publicKey())));
    }

    record DeregisteredView(String agentId, String tenant, Instant deregisteredAt) {}

    private void deregister(Context ctx) {
        tokenLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        var deregistered = enrolment.deregister(body.requiredText("assertion"), ctx.ip());
        Agent agent = deregistered.agent();
        ctx.json(new DeregisteredView(agent.id(), agent.tenantId(), deregistered.at()));
    }
}
