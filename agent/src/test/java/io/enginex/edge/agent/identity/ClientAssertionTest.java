package io.enginex.edge.agent.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ClientAssertionTest {
    private static final Instant NOW = Instant.parse("2026-11-26T10:15:30Z");
    private final ObjectMapper mapper = new MessageCodec().mapper();
    private final ClientAssertion assertions =
            new ClientAssertion(Clock.fixed(NOW, ZoneOffset.UTC), new SecureRandom(), mapper);
    private final KeyPair keys = TestIdentities.keyPair();

    @Test
    void isACompactJwsWhoseEd25519SignatureVerifiesWithThePublicKey() throws Exception {
        String jws = assertions.create("agt_1", keys.getPrivate());
        String[] parts = jws.split("\\.");
        assertThat(parts).hasSize(3);
        assertThat(jws).doesNotContain("=", "+", "/");

        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(keys.getPublic());
        verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(parts[2]))).isTrue();

        Signature other = Signature.getInstance("Ed25519");
        other.initVerify(TestIdentities.keyPair().getPublic());
        other.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(other.verify(Base64.getUrlDecoder().decode(parts[2]))).isFalse();
    }

    @Test
    void headerAndClaimsAreExactlyTheContract() throws Exception {
        String[] parts = assertions.create("agt_1", keys.getPrivate()).split("\\.");
        String header = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
        assertThat(header).isEqualTo("{\"alg\":\"EdDSA\",\"typ\":\"JWT\"}");

        JsonNode claims = mapper.readTree(Base64.getUrlDecoder().decode(parts[1]));
        assertThat(claims.properties().stream().map(java.util.Map.Entry::getKey).toList())
                .containsExactlyInAnyOrder("iss", "sub", "aud", "iat", "exp", "jti");
        assertThat(claims.get("iss").asText()).isEqualTo("agt_1");
        assertThat(claims.get("sub").asText()).isEqualTo("agt_1");
        assertThat(claims.get("aud").asText()).isEqualTo("enginex-hub");
        assertThat(claims.get("iat").isIntegralNumber()).isTrue();
        assertThat(claims.get("iat").asLong()).isEqualTo(NOW.getEpochSecond());
        long lifetime = claims.get("exp").asLong() - claims.get("iat").asLong();
        assertThat(lifetime).isPositive().isLessThanOrEqualTo(300);
        byte[] jti = Base64.getUrlDecoder().decode(claims.get("jti").asText());
        assertThat(jti.length * 8).isGreaterThanOrEqualTo(128);
    }

    @Test
    void everyAssertionHasAFreshJti() throws Exception {
        Set<String> jtis = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String[] parts = assertions.create("agt_1", keys.getPrivate()).split("\\.");
            jtis.add(mapper.readTree(Base64.getUrlDecoder().decode(parts[1]))
                    .get("jti")
                    .asText());
        }
        assertThat(jtis).hasSize(200);
    }
}
