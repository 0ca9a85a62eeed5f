package io.enginex.edge.agent.identity;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Builds the signed, short-lived client assertion the agent trades for an access token (RFC 7523
 * {@code private_key_jwt} style): a compact JWS with header {@code {"alg":"EdDSA","typ":"JWT"}} and
 * claims {@code iss}={@code sub}=agent id, {@code aud}={@value #AUDIENCE}, {@code iat}, {@code exp},
 * and a random 128-bit {@code jti} the hub refuses to see twice.
 *
 * <p>Built by hand with the JDK's {@code Ed25519} signature: the format is small and fixed, and no
 * JWT library is worth a dependency on the agent. Thread-safe.
 */
public final class ClientAssertion {
    /** The {@code aud} claim the hub expects. */
    public static final String AUDIENCE = "enginex-hub";

    /** How long an assertion is valid; the hub accepts at most 300 s. */
    public static final Duration LIFETIME = Duration.ofSeconds(60);

    private static final String HEADER = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final Clock clock;
    private final SecureRandom random;
    private final ObjectMapper mapper;

    public ClientAssertion(Clock clock, SecureRandom random, ObjectMapper mapper) {
        this.clock = clock;
        this.random = random;
        this.mapper = mapper;
    }

    /** A fresh assertion for {@code agentId}, signed with {@code key}; each call has a new {@code jti}. */
    public String create(String agentId, PrivateKey key) {
        long now = clock.instant().getEpochSecond();
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        ObjectNode claims = mapper.createObjectNode()
                .put("iss", agentId)
                .put("sub", agentId)
                .put("aud", AUDIENCE)
                .put("iat", now)
                .put("exp", now + LIFETIME.toSeconds())
                .put("jti", B64URL.encodeToString(jti));
        String signingInput = B64URL.encodeToString(HEADER.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(key);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            // The key type is fixed at registration, so this is a damaged identity, not bad input.
            throw new IdentityException(
                    "cannot sign with this agent's key (" + e.getClass().getSimpleName()
                            + "); re-register: enginex-agent register --force …",
                    e);
        }
    }
}
