package io.enginex.edge.bench.fleet;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * A simulated agent's Ed25519 key and the client assertion it signs for {@code POST /agent/token}:
 * the same compact JWS as the agent's {@code ClientAssertion} (header {@code
 * {"alg":"EdDSA","typ":"JWT"}}, claims iss = sub = agent id, aud {@code enginex-hub}, iat, exp = iat
 * + 60, a random 128-bit jti). Written here because the bench does not depend on the agent module;
 * the hub's verifier is what checks that both agree. Thread-safe.
 */
final class AgentKey {
    private static final String HEADER = "{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}";
    private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair pair;
    private final SecureRandom random;

    private AgentKey(KeyPair pair, SecureRandom random) {
        this.pair = pair;
        this.random = random;
    }

    static AgentKey generate(SecureRandom random) {
        try {
            return new AgentKey(KeyPairGenerator.getInstance("Ed25519").generateKeyPair(), random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make Ed25519 keys", e);
        }
    }

    /** The public key as {@code POST /agent/register} wants it: base64 X.509 SubjectPublicKeyInfo. */
    String publicKeyBase64() {
        return Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
    }

    /** A fresh, signed assertion for {@code agentId}, valid 60 s from {@code now}. */
    String assertion(String agentId, Instant now) {
        byte[] jti = new byte[16];
        random.nextBytes(jti);
        long iat = now.getEpochSecond();
        String claims = "{\"iss\":\"" + agentId + "\",\"sub\":\"" + agentId + "\",\"aud\":\"enginex-hub\",\"iat\":"
                + iat + ",\"exp\":" + (iat + 60) + ",\"jti\":\"" + B64URL.encodeToString(jti) + "\"}";
        String signingInput = B64URL.encodeToString(HEADER.getBytes(StandardCharsets.UTF_8)) + "."
                + B64URL.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(pair.getPrivate());
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + B64URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with an Ed25519 key this JDK made", e);
        }
    }
}
