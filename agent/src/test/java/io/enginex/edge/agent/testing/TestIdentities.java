package io.enginex.edge.agent.testing;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.transport.TrustSettings;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.List;

/** Identities with fresh Ed25519 keys, for tests. */
public final class TestIdentities {
    private TestIdentities() {}

    public static AgentIdentity create(String agentId, String hubUrl) {
        KeyPair keys = keyPair();
        return new AgentIdentity(
                agentId,
                "acme",
                List.of("laptops"),
                io.enginex.edge.agent.transport.HubAddresses.parse(hubUrl),
                TrustSettings.system(),
                keys.getPublic(),
                keys.getPrivate(),
                Instant.parse("2026-01-01T00:00:00Z"));
    }

    public static KeyPair keyPair() {
        try {
            return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
