package io.enginex.edge.server.registration;

import io.enginex.edge.protocol.KeyFingerprint;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.audit.Actor;
import io.enginex.edge.server.audit.Audit;
import io.enginex.edge.server.audit.AuditType;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Origin;
import io.enginex.edge.server.auth.TenantGuard;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.idempotency.Answer;
import io.enginex.edge.server.idempotency.Creation;
import io.enginex.edge.server.idempotency.IdempotentCreates;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.MachineStore;
import io.enginex.edge.server.store.RegistrationToken;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Enrolment, for every front end: registration tokens (issue, list, revoke; REST and dashboard) and
 * the agent's own calls (register with a token, access tokens, key rotation, deregistration). Each
 * use case authorises the caller for the tenant ({@link TenantGuard}), validates, writes, audits once
 * and tells live views here; adapters only parse and render. Rate limits stay with the adapters (they
 * are per source address). Thread-safe.
 */
public final class Enrolment {
    /** The longest token description. */
    public static final int MAX_DESCRIPTION = 200;

    private static final Pattern MACHINE_ID = Pattern.compile("[0-9a-f]{64}");

    private final RegistrationTokens tokens;
    private final AgentRegistration registration;
    private final AssertionVerifier verifier;
    private final AccessTokens accessTokens;
    private final KeyRotations rotations;
    private final Deregistrations deregistrations;
    private final AgentStore agents;
    private final MachineStore machines;
    private final ConnectionRegistry registry;
    private final Audit audit;
    private final TenantGuard guard;
    private final IdempotentCreates creates;
    private final Transactions tx;
    private final LiveViews live;
    private final Clock clock;

    /** The parts enrolment works with; each is made once by the hub. */
    public record Parts(
            RegistrationTokens tokens,
            AgentRegistration registration,
            AssertionVerifier verifier,
            AccessTokens accessTokens,
            AgentStore agents,
            MachineStore machines,
            ConnectionRegistry registry) {}

    public Enrolment(
            Parts parts,
            Audit audit,
            TenantGuard guard,
            IdempotentCreates creates,
            Transactions tx,
            LiveViews live,
            Clock clock) {
        this.tokens = parts.tokens();
        this.registration = parts.registration();
        this.verifier = parts.verifier();
        this.accessTokens = parts.accessTokens();
        this.agents = parts.agents();
        this.machines = parts.machines();
        this.registry = parts.registry();
        this.rotations = new KeyRotations(verifier, agents);
        this.deregistrations = new Deregistrations(verifier, agents, clock);
        this.audit = audit;
        this.guard = guard;
        this.creates = creates;
        this.tx = tx;
        this.live = live;
        this.clock = clock;
    }

    /**
     * What a new registration token should be.
     *
     * @param ratePerMinute its own enrolment budget per source address, or null for the tenant's
     */
    public record TokenRequest(
            Duration ttl, long maxUses, List<String> labels, String description, Integer ratePerMinute) {}

    /**
     * A new registration token, to run through {@link IdempotentCreates}: the token and its {@code
     * token.created} event are written in one transaction (with the key, when there is one).
     *
     * @throws HubException.BadRequest for a TTL, use count, label, description or rate out of range
     */
    public Creation<RegistrationTokens.Issued> newToken(
            Caller caller,
            String tenant,
            TokenRequest request,
            Origin origin,
            Function<RegistrationTokens.Issued, Answer> answer) {
        guard.checkWrite(caller, tenant);
        String description =
                request.description() == null ? "" : request.description().strip();
        if (description.length() > MAX_DESCRIPTION) {
            throw new HubException.BadRequest("the description may have at most " + MAX_DESCRIPTION + " characters");
        }
        if (request.ratePerMinute() != null) {
            EnrolmentRate.check(request.ratePerMinute(), "ratePerMinute");
        }
        int maxUses = (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, request.maxUses()));
        return Creation.of(
                () -> {
                    var issued = tokens.issue(
                            tenant,
                            request.ttl(),
                            maxUses,
                            request.labels(),
                            description,
                            caller.actorId(),
                            request.ratePerMinute());
                    RegistrationToken t = issued.token();
                    audit.record(
                            t.tenantId(),
                            AuditType.TOKEN_CREATED,
                            Actor.of(caller),
                            origin.sourceIp(),
                            new Audit.Target("registration_token", t.id()),
                            Audit.Outcome.SUCCESS,
                            origin.tag(Map.of(
                                    "maxUses",
                                    t.maxUses(),
                                    "expiresAt",
                                    t.expiresAt().toString(),
                                    "labels",
                                    t.labels(),
                                    "ratePerMinute",
                                    t.ratePerMinute() == null ? "default" : t.ratePerMinute())));
                    return issued;
                },
                answer);
    }

    /** Issues a token at once (no idempotency key): {@link #newToken} run to the end. */
    public RegistrationTokens.Issued issueToken(Caller caller, String tenant, TokenRequest request, Origin origin) {
        return creates.once(newToken(caller, tenant, request, origin, issued -> null));
    }

    /** A registration token and the agents it enrolled. */
    public record TokenUse(RegistrationToken token, List<Agent> enrolled) {}

    /** The tenant's registration tokens, each with the agents it enrolled. */
    public List<TokenUse> tokens(Caller caller, String tenant) {
        guard.check(caller, tenant);
        Map<String, List<Agent>> byToken = new HashMap<>();
        for (Agent a : agents.list(tenant)) {
            if (a.registrationTokenId() != null) {
                byToken.computeIfAbsent(a.registrationTokenId(), k -> new ArrayList<>())
                        .add(a);
            }
        }
        return tokens.list(tenant).stream()
                .map(t -> new TokenUse(t, byToken.getOrDefault(t.id(), List.of())))
                .toList();
    }

    /**
     * Revokes a token and audits {@code token.revoked}, in one transaction.
     *
     * @throws HubException.NotFound {@code token_not_found}
     */
    public void revokeToken(Caller caller, String tenant, String id, Origin origin) {
        guard.checkWrite(caller, tenant);
        tx.run(() -> {
            tokens.revoke(tenant, id);
            audit.record(
                    tenant,
                    AuditType.TOKEN_REVOKED,
                    Actor.of(caller),
                    origin.sourceIp(),
                    new Audit.Target("registration_token", id),
                    Audit.Outcome.SUCCESS,
                    origin.tag(Map.of()));
        });
    }

    /**
     * An agent registered with a token.
     *
     * @param replaced earlier agents of the same machine, now marked replaced by this one
     */
    public record Registered(Agent agent, List<String> replaced) {}

    /**
     * A registration refused by a rate limit before it was tried: recorded as a failed enrolment in
     * the token's tenant (see {@link EnrolmentFailures#rateLimited}); nothing for a token the hub
     * does not know. Never throws for the token's sake.
     */
    public void registrationRateLimited(String presentedToken, String hostname, String sourceIp) {
        registration.rateLimited(presentedToken, hostname, sourceIp);
    }

    /**
     * Registers an agent with a registration token: the agent, its machine, {@code token.used} and
     * {@code agent.enrolled} commit together. A refused token is recorded (see {@link
     * EnrolmentFailures}) and that record stays although the registration is refused.
     *
     * @param machineId the SHA-256 hex the agent computed for its machine, or null
     * @throws HubException see {@link AgentRegistration#register}
     */
    public Registered register(AgentRegistration.Request request, String machineId, String sourceIp) {
        Refusable<Registered> outcome = tx.inTransaction(() -> {
            Agent agent;
            try {
                agent = registration.register(request, sourceIp);
            } catch (HubException.Unauthenticated refused) {
                return new Refusable<>(null, refused); // commit the record of the refusal
            }
            List<String> replaced = recordMachine(agent, machineId);
            Actor token = Actor.registrationToken(agent.registrationTokenId());
            audit.record(
                    agent.tenantId(),
                    AuditType.TOKEN_USED,
                    token,
                    sourceIp,
                    new Audit.Target("registration_token", agent.registrationTokenId()),
                    Audit.Outcome.SUCCESS,
                    Map.of("agentId", agent.id()));
            audit.record(
                    agent.tenantId(),
                    AuditType.AGENT_ENROLLED,
                    token,
                    sourceIp,
                    new Audit.Target("agent", agent.id()),
                    Audit.Outcome.SUCCESS,
                    Map.of("hostname", agent.hostname(), "labels", agent.labels(), "replacedAgents", replaced));
            return new Refusable<>(new Registered(agent, replaced), null);
        });
        if (outcome.refused() != null) {
            throw outcome.refused();
        }
        live.changed(outcome.value().agent().tenantId());
        return outcome.value();
    }

    private record Refusable<T>(T value, HubException refused) {}

    private List<String> recordMachine(Agent agent, String machineId) {
        if (machineId == null || !MACHINE_ID.matcher(machineId).matches()) {
            return List.of();
        }
        return machines.record(agent.tenantId(), agent.id(), machineId, clock.instant());
    }

    /**
     * A short-lived access token for the agent whose signed assertion this is.
     *
     * @throws HubException.Unauthenticated if the assertion does not verify
     */
    public String accessToken(String assertion) {
        return accessToken(assertion, agent -> {});
    }

    /**
     * An access token for the agent the assertion proves, after {@code admit} let that agent have one
     * (it throws to refuse, e.g. a per-agent rate limit).
     */
    public String accessToken(String assertion, java.util.function.Consumer<String> admit) {
        Agent verified = verifier.verify(assertion);
        admit.accept(verified.id());
        return accessTokens.issue(verified);
    }

    /**
     * Replaces an agent's key (see {@link KeyRotations}) and audits {@code agent.key_rotated} with
     * both fingerprints. As before this service: the assertion's {@code jti} is spent by the
     * verification even when the rotation is then refused, and the event follows the key swap.
     *
     * @return the agent with its new key
     */
    public Agent rotateKey(String assertion, String newPublicKey, String proof, String sourceIp) {
        var rotated = rotations.rotate(assertion, newPublicKey, proof);
        Agent after = rotated.after();
        audit.record(
                after.tenantId(),
                AuditType.AGENT_KEY_ROTATED,
                Actor.agent(after.id()),
                sourceIp,
                new Audit.Target("agent", after.id()),
                Audit.Outcome.SUCCESS,
                Map.of(
                        "oldKeyFingerprint",
                        KeyFingerprint.ofBase64(rotated.before().publicKey()),
                        "newKeyFingerprint",
                        KeyFingerprint.ofBase64(after.publicKey())));
        return after;
    }

    /** An agent that left by itself, as it was, and when. */
    public record Deregistered(Agent agent, Instant at) {}

    /**
     * An agent leaving by itself: revoked (see {@link Deregistrations}), its sockets closed, {@code
     * agent.deregistered} audited with the number closed, live views told.
     */
    public Deregistered deregister(String assertion, String sourceIp) {
        var deregistered = deregistrations.deregister(assertion);
        Agent agent = deregistered.agent();
        int closed = registry.cutOff(agent.tenantId(), agent.id(), "agent deregistered");
        audit.record(
                agent.tenantId(),
                AuditType.AGENT_DEREGISTERED,
                Actor.agent(agent.id()),
                sourceIp,
                new Audit.Target("agent", agent.id()),
                Audit.Outcome.SUCCESS,
                Map.of("hostname", String.valueOf(agent.hostname()), "socketsClosed", closed));
        live.changed(agent.tenantId());
        return new Deregistered(agent, deregistered.at());
    }
}
