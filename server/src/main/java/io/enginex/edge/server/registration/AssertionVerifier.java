package io.enginex.edge.server.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.CredentialStore;
import io.enginex.edge.server.store.Transactions;
import io.jsonwebtoken.Claims;
import io.jsonwebtoken.ExpiredJwtException;
import io.jsonwebtoken.JwtException;
import io.jsonwebtoken.Jwts;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.regex.Pattern;

/**
 * Checks an agent's client assertion (RFC 7523 {@code private_key_jwt} style): a JWT signed with the
 * agent's Ed25519 key, {@code iss} = {@code sub} = agent id, {@code aud} = {@value #AUDIENCE}, a
 * lifetime of at most {@value #MAX_LIFETIME_SECONDS} s, and a {@code jti} never seen before.
 * Thread-safe.
 *
 * <p>The order of checks keeps secrets: the signature is verified before anything about the agent
 * (revoked, replay) is revealed.
 */
public final class AssertionVerifier {
    public static final String AUDIENCE = "enginex-hub";
    public static final int MAX_LIFETIME_SECONDS = 300;

    /** How far an assertion's iat may lie in the future (the agent's clock running ahead). */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofSeconds(60);

    private static final int MAX_ASSERTION_CHARS = 8192;
    private static final Pattern JTI = Pattern.compile("[A-Za-z0-9_-]{22,128}");

    private final AgentStore agents;
    private final CredentialStore credentials;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final Transactions writes;

    /** @param writes where a spent jti is written: the hub's group commit, shared by a reconnect storm */
    public AssertionVerifier(
            AgentStore agents, CredentialStore credentials, Clock clock, ObjectMapper mapper, Transactions writes) {
        this.agents = agents;
        this.credentials = credentials;
        this.clock = clock;
        this.mapper = mapper;
        this.writes = writes;
    }

    /**
     * Verifies {@code assertion} and spends its {@code jti}.
     *
     * @return the agent that signed it
     * @throws HubException.Unauthenticated {@code assertion_invalid}, {@code agent_unknown}, {@code
     *     agent_revoked}, {@code clock_skew} or {@code assertion_replayed}
     */
    public Agent verify(String assertion) {
        String agentId = unverifiedIssuer(assertion);
        Agent agent = agents.findForAuthentication(agentId)
                .orElseThrow(() -> new HubException.Unauthenticated(
                        "agent_unknown",
                        "the hub has no agent " + agentId
                                + "; it may have been deleted; register again with a new token"));
        Instant now = clock.instant();
        Claims claims;
        try {
            claims = Jwts.parser()
                    .verifyWith(Ed25519Keys.parse(agent.publicKey()))
                    .clock(() -> Date.from(now))
                    .requireAudience(AUDIENCE)
                    .requireIssuer(agentId)
                    .requireSubject(agentId)
                    .build()
                    .parseSignedClaims(assertion)
                    .getPayload();
        } catch (ExpiredJwtException e) {
            Date iat = e.getClaims().getIssuedAt();
            Instant signedAt = iat != null
                    ? iat.toInstant()
                    : e.getClaims().getExpiration().toInstant();
            throw new HubException.Unauthenticated(
                    "clock_skew",
                    "the assertion expired at "
                            + e.getClaims().getExpiration().toInstant() + " by the hub's clock (" + now
                            + "); this machine's "
                            + "clock is " + describe(Duration.between(signedAt, now))
                            + " behind the hub; set the clock "
                            + "right (enable NTP) and try again");
        } catch (JwtException | IllegalArgumentException | HubException.BadRequest e) {
            throw invalid("signature or claims do not verify with agent " + agentId + "'s key ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (agent.revoked()) {
            throw new HubException.Unauthenticated(
                    "agent_revoked",
                    "agent " + agentId + " was revoked at " + agent.revokedAt()
                            + "; register again with a new token if it should come back");
        }
        Instant issuedAt = required(claims.getIssuedAt(), "iat");
        Instant expiresAt = required(claims.getExpiration(), "exp");
        if (issuedAt.isAfter(now.plus(MAX_FUTURE_SKEW))) {
            throw new HubException.Unauthenticated(
                    "clock_skew",
                    "the assertion was issued at " + issuedAt
                            + ", but the hub's clock says " + now + "; this machine's clock is "
                            + describe(Duration.between(now, issuedAt)) + " ahead of the hub; set the clock right "
                            + "(enable NTP) and try again");
        }
        if (Duration.between(issuedAt, expiresAt).toSeconds() > MAX_LIFETIME_SECONDS) {
            throw invalid("exp - iat must be at most " + MAX_LIFETIME_SECONDS + " s");
        }
        String jti = claims.getId();
        if (jti == null || !JTI.matcher(jti).matches()) {
            throw invalid("jti must be at least 128 random bits in base64url (22+ characters)");
        }
        if (!writes.inTransaction(() -> credentials.rememberAssertion(agentId, jti, expiresAt))) {
            throw new HubException.Unauthenticated(
                    "assertion_replayed",
                    "this assertion (jti " + jti + ") was used before; sign a new one for every token request");
        }
        return agent;
    }

    /** Reads {@code iss} without verifying, only to know whose key verifies the signature. */
    private String unverifiedIssuer(String assertion) {
        if (assertion == null || assertion.length() > MAX_ASSERTION_CHARS) {
            throw invalid("the assertion is missing or longer than " + MAX_ASSERTION_CHARS + " characters");
        }
        String[] parts = assertion.split("\\.", -1);
        if (parts.length != 3) {
            throw invalid("a signed JWT has three dot-separated parts; got " + parts.length);
        }
        try {
            JsonNode payload = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
            JsonNode iss = payload == null ? null : payload.get("iss");
            if (iss == null
                    || !iss.isTextual()
                    || iss.textValue().isBlank()
                    || iss.textValue().length() > 64) {
                throw invalid("the claims have no iss naming the agent id");
            }
            return iss.textValue();
        } catch (IOException | IllegalArgumentException e) {
            throw invalid("the claims are not base64url JSON");
        }
    }

    /**
     * Checks that {@code proof} is an assertion of {@code agentId} signed by {@code publicKeyBase64}
     * (a key the hub does not know yet) and not expired: proof that the agent holds the new key of a
     * rotation. Replay needs no record here: a proof is only accepted beside an old-key assertion,
     * whose {@code jti} is single-use.
     *
     * @throws HubException.Unauthenticated {@code assertion_invalid} otherwise
     */
    public void verifyProof(String proof, String agentId, String publicKeyBase64) {
        Instant now = clock.instant();
        try {
            Jwts.parser()
                    .verifyWith(Ed25519Keys.parse(publicKeyBase64))
                    .clock(() -> Date.from(now))
                    .requireAudience(AUDIENCE)
                    .requireIssuer(agentId)
                    .requireSubject(agentId)
                    .build()
                    .parseSignedClaims(proof == null ? "" : proof);
        } catch (JwtException | IllegalArgumentException | HubException.BadRequest e) {
            throw invalid("the proof is not an assertion of agent " + agentId + " signed by the new key ("
                    + e.getClass().getSimpleName() + ")");
        }
    }

    private static Instant required(Date value, String claim) {
        if (value == null) {
            throw invalid("claim " + claim + " is required");
        }
        return value.toInstant();
    }

    private static HubException.Unauthenticated invalid(String why) {
        return new HubException.Unauthenticated(
                "assertion_invalid",
                "the client assertion was refused: " + why
                        + "; the agent signs a JWT (alg EdDSA) with the key it registered");
    }

    /** "7 min", "45 s", "3 h". */
    static String describe(Duration d) {
        long s = Math.abs(d.toSeconds());
        // Rounded: JWT times have whole seconds, so 7 minutes ahead arrive as 6 min 59.6 s.
        if (s >= 7200) {
            return (s + 1800) / 3600 + " h";
        }
        if (s >= 120) {
            return (s + 30) / 60 + " min";
        }
        return s + " s";
    }
}
