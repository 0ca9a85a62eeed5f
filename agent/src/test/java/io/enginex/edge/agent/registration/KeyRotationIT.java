package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.testing.FakeDeviceHub;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent's side of key rotation, against a recording hub. */
class KeyRotationIT {
    @TempDir
    Path stateDir;

    private final MessageCodec codec = new MessageCodec();

    private AgentIdentity registered(FakeDeviceHub hub) {
        KeyPair keys = Registrar.generateKeyPair();
        AgentIdentity identity = new AgentIdentity(
                "agt_device",
                "acme",
                List.of(),
                io.enginex.edge.agent.transport.HubAddresses.parse(hub.url()),
                new TrustSettings(null, null),
                keys.getPublic(),
                keys.getPrivate(),
                Instant.now());
        new IdentityFile(stateDir, codec.mapper()).save(identity);
        return identity;
    }

    private KeyRotation rotation(HubClient client) {
        return new KeyRotation(
                client,
                new IdentityFile(stateDir, codec.mapper()),
                new ClientAssertion(Clock.systemUTC(), new SecureRandom(), codec.mapper()),
                Clock.systemUTC());
    }

    private HubClient client(FakeDeviceHub hub) {
        return new HubClient(
                HubEndpoint.parse(hub.url()),
                new TrustSettings(null, null),
                Map.of(),
                Duration.ofSeconds(5),
                codec.mapper());
    }

    @Test
    void assertionIsSignedByTheOldKeyTheProofByTheNewAndTheNewKeyIsSaved() throws Exception {
        try (var hub = new FakeDeviceHub();
                var client = client(hub)) {
            AgentIdentity before = registered(hub);

            AgentIdentity after = rotation(client).rotate(before);

            var body = hub.rotations().get(0);
            PublicKey announced = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(
                            Base64.getDecoder().decode(body.path("newPublicKey").asText())));
            assertThat(verifies(body.path("assertion").asText(), before.publicKey()))
                    .isTrue();
            assertThat(verifies(body.path("proof").asText(), announced)).isTrue();
            assertThat(verifies(body.path("proof").asText(), before.publicKey()))
                    .isFalse();
            assertThat(after.publicKey()).isEqualTo(announced);
            assertThat(new IdentityFile(stateDir, codec.mapper()).load().fingerprint())
                    .isEqualTo(after.fingerprint());
        }
    }

    @Test
    void aRefusedRotationKeepsTheOldKeyAndARevokedAgentIsToldToReEnrol() {
        try (var hub = new FakeDeviceHub();
                var client = client(hub)) {
            AgentIdentity before = registered(hub);
            hub.refuseRotationWith("agent_revoked");

            assertThatThrownBy(() -> rotation(client).rotate(before))
                    .isInstanceOf(RegistrationException.class)
                    .hasMessageContaining("register --force");
            assertThat(new IdentityFile(stateDir, codec.mapper()).load().fingerprint())
                    .isEqualTo(before.fingerprint());
        }
    }

    private static boolean verifies(String jws, PublicKey key) throws Exception {
        int lastDot = jws.lastIndexOf('.');
        Signature ed = Signature.getInstance("Ed25519");
        ed.initVerify(key);
        ed.update(jws.substring(0, lastDot).getBytes(StandardCharsets.US_ASCII));
        return ed.verify(Base64.getUrlDecoder().decode(jws.substring(lastDot + 1)));
    }
}
