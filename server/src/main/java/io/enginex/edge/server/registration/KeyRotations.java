package io.enginex.edge.server.registration;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import java.util.Base64;

/**
 * Agent-initiated key rotation: the agent signs a normal assertion with its current key (so only
 * the holder of the old key can rotate, and the assertion's {@code jti} makes the request
 * single-use) and a second assertion with the new key (proof it holds that key); the hub then
 * replaces the key atomically. Thread-safe.
 */
final class KeyRotations {
    private final AssertionVerifier verifier;
    private final AgentStore agents;

    public KeyRotations(AssertionVerifier verifier, AgentStore agents) {
        this.verifier = verifier;
        this.agents = agents;
    }

    /** The agent before and after. */
    public record Rotated(Agent before, Agent after) {}

    /**
     * @throws HubException.Unauthenticated if either assertion does not verify (see {@link AssertionVerifier})
     * @throws HubException.BadRequest if the new key is not Ed25519 or is the current key
     * @throws HubException.Conflict {@code key_changed} if another rotation won the race
     */
    public Rotated rotate(String assertion, String newPublicKey, String proof) {
        Agent agent = verifier.verify(assertion);
        String encoded = Base64.getEncoder()
                .encodeToString(Ed25519Keys.parse(newPublicKey).getEncoded());
        if (encoded.equals(agent.publicKey())) {
            throw new HubException.BadRequest("same_key", "the new public key is the current one; make a new key pair");
        }
        verifier.verifyProof(proof, agent.id(), encoded);
        if (!agents.replacePublicKey(agent.tenantId(), agent.id(), agent.publicKey(), encoded)) {
            throw new HubException.Conflict(
                    "key_changed",
                    "agent " + agent.id() + "'s key changed meanwhile; load the identity again and retry");
        }
        Agent after = agents.find(agent.tenantId(), agent.id()).orElseThrow();
        return new Rotated(agent, after);
    }
}
