package io.enginex.edge.server.registration;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.RegistrationTokenStore;
import io.enginex.edge.server.store.RegistrationTokenStore.Redemption;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trades a registration token and a public key for an agent id. Thread-safe; two agents racing for
 * the last use of a token get one agent between them (the store redeems atomically).
 */
public final class AgentRegistration {
    private static final Logger log = LoggerFactory.getLogger(AgentRegistration.class);
    private static final int MAX_FIELD = 255;

    private final RegistrationTokenStore tokens;
    private final AgentStore agents;
    private final IdGenerator ids;
    private final Clock clock;
    private final EnrolmentFailures failures;

    /** @param failures where refused registrations are recorded (the tenant's audit, or the hub's log) */
    public AgentRegistration(
            RegistrationTokenStore tokens,
            AgentStore agents,
            IdGenerator ids,
            Clock clock,
            EnrolmentFailures failures) {
        this.failures = failures;
        this.tokens = tokens;
        this.agents = agents;
        this.ids = ids;
        this.clock = clock;
    }

    /** What an agent sends to register. {@code toString} hides the token. */
    public record Request(
            String token, String publicKey, String hostname, String os, String arch, String agentVersion) {
        @Override
        public String toString() {
            return "Request[hostname=" + hostname + ", os=" + os + ", arch=" + arch + ", agentVersion=" + agentVersion
                    + ", token=****]";
        }
    }

    /**
     * Registers an agent.
     *
     * @throws HubException.BadRequest if a field is missing, has control or other unprintable
     *     characters ({@code unprintable_field}) or the key is not Ed25519 (the token is not spent then)
     * @throws HubException.Unauthenticated {@code token_unknown}, {@code token_expired}, {@code
     *     token_revoked} or {@code token_used}; recorded first by {@link EnrolmentFailures} (in the
     *     token's tenant, or hub-wide for an unknown token)
     * @param sourceIp the machine's address, for the record of a refusal
     */
    public Agent register(Request request, String sourceIp) {
        var key = Ed25519Keys.parse(request.publicKey());
        String hostname = field(request.hostname(), "hostname", true);
        String os = field(request.os(), "os", false);
        String arch = field(request.arch(), "arch", false);
        String version = field(request.agentVersion(), "agentVersion", false);
        if (request.token() == null || !request.token().startsWith(Secrets.REGISTRATION_TOKEN_PREFIX)) {
            failures.unknownToken(hostname, sourceIp);
            throw new HubException.Unauthenticated(
                    "token_unknown",
                    "registration tokens start with " + Secrets.REGISTRATION_TOKEN_PREFIX
                            + "; ask an admin for one (engine tokens create)");
        }
        Instant now = clock.instant();
        Redemption redemption = tokens.redeem(Secrets.hash(request.token()), now);
        if (redemption.outcome() == RegistrationTokenStore.Outcome.UNKNOWN) {
            failures.unknownToken(hostname, sourceIp);
        } else if (redemption.outcome() != RegistrationTokenStore.Outcome.REDEEMED) {
            failures.tokenRefused(
                    redemption.token().tenantId(), redemption.token().id(), reason(redemption), hostname, sourceIp);
        }
        switch (redemption.outcome()) {
            case REDEEMED -> {}
            case UNKNOWN ->
                throw new HubException.Unauthenticated(
                        "token_unknown",
                        "the hub does not know this registration token; check it was copied whole, "
                                + "or ask an admin for a new one (engine tokens create)");
            case EXPIRED ->
                throw new HubException.Unauthenticated(
                        "token_expired",
                        "registration token " + redemption.token().id() + " expired at "
                                + redemption.token().expiresAt() + "; ask an admin for a new one");
            case REVOKED ->
                throw new HubException.Unauthenticated(
                        "token_revoked",
                        "registration token " + redemption.token().id() + " was revoked; ask an admin for a new one");
            case USED_UP ->
                throw new HubException.Unauthenticated(
                        "token_used",
                        "registration token " + redemption.token().id() + " has been used its "
                                + redemption.token().maxUses() + " time(s); ask an admin for a new one");
        }
        var token = redemption.token();
        Agent agent = agents.create(Agent.registered(
                ids.next("agt"),
                token.tenantId(),
                Base64.getEncoder().encodeToString(key.getEncoded()),
                hostname,
                os,
                arch,
                version,
                token.labels(),
                token.id(),
                now));
        log.atInfo()
                .addKeyValue("agentId", agent.id())
                .addKeyValue("tenant", agent.tenantId())
                .addKeyValue("hostname", hostname)
                .addKeyValue("tokenId", token.id())
                .log("agent registered");
        return agent;
    }

    /**
     * A registration with {@code presentedToken} was refused by a rate limit before it was tried:
     * recorded in the token's tenant when the token is one of a tenant (see {@link
     * EnrolmentFailures#rateLimited}); an unknown token names no tenant and is not recorded here.
     */
    public void rateLimited(String presentedToken, String hostname, String sourceIp) {
        if (presentedToken == null || !presentedToken.startsWith(Secrets.REGISTRATION_TOKEN_PREFIX)) {
            return;
        }
        tokens.findByHash(Secrets.hash(presentedToken))
                .ifPresent(t -> failures.rateLimited(t.tenantId(), t.id(), printableOrEmpty(hostname), sourceIp));
    }

    /** The host name a refused machine sent, if it is one the hub would store; else empty. */
    private static String printableOrEmpty(String hostname) {
        return hostname == null
                        || hostname.isBlank()
                        || hostname.length() > MAX_FIELD
                        || io.enginex.edge.protocol.Printable.problem(hostname) != null
                ? ""
                : hostname.strip();
    }

    private static String reason(Redemption redemption) {
        return switch (redemption.outcome()) {
            case EXPIRED -> "token_expired";
            case REVOKED -> "token_revoked";
            case USED_UP -> "token_used";
            case UNKNOWN -> "token_unknown";
            case REDEEMED -> "redeemed";
        };
    }

    private static String field(String value, String name, boolean required) {
        if (value == null || value.isBlank()) {
            if (required) {
                throw new HubException.BadRequest(name + " is required");
            }
            return "";
        }
        if (value.length() > MAX_FIELD) {
            throw new HubException.BadRequest(name + " is longer than " + MAX_FIELD + " characters");
        }
        try {
            PrintableField.require(value, name);
        } catch (HubException.BadRequest refused) {
            // Logged (escaped by the log encoder) so an admin can see why a machine did not show up.
            log.atWarn()
                    .addKeyValue("field", name)
                    .addKeyValue("value", value)
                    .log("registration refused: a field has unprintable characters");
            throw refused;
        }
        return value.strip();
    }
}
