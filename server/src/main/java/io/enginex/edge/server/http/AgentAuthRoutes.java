package io.enginex.edge.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.registration.AgentRegistration;
import io.enginex.edge.server.registration.AssertionVerifier;
import io.enginex.edge.server.registration.Deregistrations;
import io.enginex.edge.server.registration.KeyRotations;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.MachineStore;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * The agent's side of the API: {@code POST /api/v1/agent/register}, {@code /token}, {@code
 * /rotate-key} and {@code /deregister}, rate-limited per source address; registration by the budgets
 * of {@link EnrolmentLimiter}.
 */
final class AgentAuthRoutes {
    private final AgentRegistration registration;
    private final AssertionVerifier verifier;
    private final AccessTokens accessTokens;
    private final EnrolmentLimiter enrolmentLimit;
    private final RateLimiter tokenLimit;
    private final KeyRotations rotations;
    private final Deregistrations deregistrations;
    private final ConnectionRegistry registry;
    private final MachineStore machines;
    private final Clock clock;
    private final Audit audit;
    private final ObjectMapper mapper;

    AgentAuthRoutes(
            AgentRegistration registration,
            AssertionVerifier verifier,
            AccessTokens accessTokens,
            EnrolmentLimiter enrolmentLimit,
            RateLimiter tokenLimit,
            KeyRotations rotations,
            Deregistrations deregistrations,
            ConnectionRegistry registry,
            MachineStore machines,
            Clock clock,
            Audit audit,
            ObjectMapper mapper) {
        this.registration = registration;
        this.verifier = verifier;
        this.accessTokens = accessTokens;
        this.enrolmentLimit = enrolmentLimit;
        this.tokenLimit = tokenLimit;
        this.rotations = rotations;
        this.deregistrations = deregistrations;
        this.registry = registry;
        this.machines = machines;
        this.clock = clock;
        this.audit = audit;
        this.mapper = mapper;
    }

    /** @param replaced earlier agents of the same machine, now marked replaced by this one */
    record Registered(String agentId, String tenant, List<String> labels, List<String> replaced) {}

    private static final java.util.regex.Pattern MACHINE_ID = java.util.regex.Pattern.compile("[0-9a-f]{64}");

    /** Records the agent's machine (a SHA-256 hex the agent computed) and returns the agents it replaces. */
    private List<String> recordMachine(Agent agent, String machineId) {
        if (machineId == null || !MACHINE_ID.matcher(machineId).matches()) {
            return List.of();
        }
        return machines.record(agent.tenantId(), agent.id(), machineId, clock.instant());
    }

    record AccessTokenResponse(String accessToken, String tokenType, long expiresIn) {}

    void register(RoutesConfig routes) {
        routes.post("/api/v1/agent/register", this::registerAgent);
        routes.post("/api/v1/agent/token", this::token);
        routes.post("/api/v1/agent/rotate-key", this::rotateKey);
        routes.post("/api/v1/agent/deregister", this::deregister);
    }

    private void registerAgent(Context ctx) {
        JsonBody body = JsonBody.read(ctx, mapper);
        String presented = body.text("token", null);
        enrolmentLimit.acquire(presented, ctx.ip());
        Agent agent = registration.register(
                new AgentRegistration.Request(
                        presented,
                        body.text("publicKey", null),
                        body.text("hostname", null),
                        body.text("os", null),
                        body.text("arch", null),
                        body.text("agentVersion", null)),
                ctx.ip());
        List<String> replaced = recordMachine(agent, body.text("machineId", null));
        Actor token = Actor.registrationToken(agent.registrationTokenId());
        audit.record(
                agent.tenantId(),
                AuditType.TOKEN_USED,
                token,
                ctx.ip(),
                new Audit.Target("registration_token", agent.registrationTokenId()),
                Audit.Outcome.SUCCESS,
                Map.of("agentId", agent.id()));
        audit.record(
                agent.tenantId(),
                AuditType.AGENT_ENROLLED,
                token,
                ctx.ip(),
                new Audit.Target("agent", agent.id()),
                Audit.Outcome.SUCCESS,
                Map.of("hostname", agent.hostname(), "labels", agent.labels(), "replacedAgents", replaced));
        ctx.status(201).json(new Registered(agent.id(), agent.tenantId(), agent.labels(), replaced));
    }

    private void token(Context ctx) {
        tokenLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        Agent agent = verifier.verify(body.requiredText("assertion"));
        String token = accessTokens.issue(agent);
        ctx.header("Cache-Control", "no-store");
        ctx.json(new AccessTokenResponse(token, "Bearer", AccessTokens.TTL.toSeconds()));
    }

    record RotatedView(String agentId, String keyFingerprint) {}

    private void rotateKey(Context ctx) {
        tokenLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        var rotated = rotations.rotate(
                body.requiredText("assertion"), body.requiredText("newPublicKey"), body.requiredText("proof"));
        Agent after = rotated.after();
        String fingerprint = KeyFingerprint.ofBase64(after.publicKey());
        audit.record(
                after.tenantId(),
                AuditType.AGENT_KEY_ROTATED,
                Actor.agent(after.id()),
                ctx.ip(),
                new Audit.Target("agent", after.id()),
                Audit.Outcome.SUCCESS,
                Map.of(
                        "oldKeyFingerprint",
                        KeyFingerprint.ofBase64(rotated.before().publicKey()),
                        "newKeyFingerprint",
                        fingerprint));
        ctx.json(new RotatedView(after.id(), fingerprint));
    }

    record DeregisteredView(String agentId, String tenant, java.time.Instant deregisteredAt) {}

    private void deregister(Context ctx) {
        tokenLimit.acquire(ctx.ip());
        JsonBody body = JsonBody.read(ctx, mapper);
        var deregistered = deregistrations.deregister(body.requiredText("assertion"));
        Agent agent = deregistered.agent();
        int closed = registry.closeAgent(agent.tenantId(), agent.id(), Protocol.CLOSE_REVOKED, "agent deregistered");
        audit.record(
                agent.tenantId(),
                AuditType.AGENT_DEREGISTERED,
                Actor.agent(agent.id()),
                ctx.ip(),
                new Audit.Target("agent", agent.id()),
                Audit.Outcome.SUCCESS,
                Map.of("hostname", String.valueOf(agent.hostname()), "socketsClosed", closed));
        ctx.json(new DeregisteredView(agent.id(), agent.tenantId(), deregistered.at()));
    }
}
