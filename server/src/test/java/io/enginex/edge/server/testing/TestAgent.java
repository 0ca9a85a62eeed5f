package io.enginex.edge.server.testing;

import io.jsonwebtoken.Jwts;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

/** A registered agent's identity in tests: its Ed25519 key pair and what the hub told it. */
public record TestAgent(String agentId, String tenant, KeyPair keys) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public static KeyPair newKeyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String publicKeyBase64(KeyPair keys) {
        return Base64.getEncoder().encodeToString(keys.getPublic().getEncoded());
    }

    /** A fresh assertion, as the agent makes one per token request. */
    public String assertion() {
        return assertion(Instant.now(), Duration.ofSeconds(60), newJti(), keys.getPrivate());
    }

    /** An assertion with chosen times, jti and signing key. */
    public String assertion(Instant issuedAt, Duration lifetime, String jti, PrivateKey signer) {
        return Jwts.builder()
                .header()
                .type("JWT")
                .and()
                .issuer(agentId)
                .subject(agentId)
                .audience()
                .add("enginex-hub")
                .and()
                .issuedAt(Date.from(issuedAt))
                .expiration(Date.from(issuedAt.plus(lifetime)))
                .id(jti)
                .signWith(signer, Jwts.SIG.EdDSA)
                .compact();
    }

    public static String newJti() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
