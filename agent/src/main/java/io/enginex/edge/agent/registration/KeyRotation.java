package io.enginex.edge.agent.registration;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentityException;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import java.security.KeyPair;
import java.time.Clock;
import java.util.Map;

/**
 * Replaces this agent's device key: makes a new Ed25519 pair, asks the hub to switch with an
 * assertion signed by the current key and a proof signed by the new one ({@code POST
 * /api/v1/agent/rotate-key}), then saves the identity with the new key. If the hub refuses, nothing
 * changes. Runs on the caller's thread.
 */
public final class KeyRotation {
    public static final String PATH = "/api/v1/agent/rotate-key";

    private final HubClient hub;
    private final IdentityFile identityFile;
    private final ClientAssertion assertions;
    private final Clock clock;

    /** @param clock stamps the new key's {@link AgentIdentity#keyCreatedAt()} */
    public KeyRotation(HubClient hub, IdentityFile identityFile, ClientAssertion assertions, Clock clock) {
        this.hub = hub;
        this.identityFile = identityFile;
        this.assertions = assertions;
        this.clock = clock;
    }

    /**
     * Rotates the key of {@code current} and returns the saved identity.
     *
     * @throws RegistrationException if the hub refuses or cannot be reached (the old key stays), or
     *     if the new identity cannot be saved after the hub switched (then the message says to
     *     re-register with --force)
     */
    public AgentIdentity rotate(AgentIdentity current) {
        KeyPair next = Registrar.generateKeyPair();
        String assertion = assertions.create(current.agentId(), current.privateKey());
        String proof = assertions.create(current.agentId(), next.getPrivate());
        try {
            hub.postJson(
                    PATH,
                    Map.of(
                            "assertion", assertion,
                            "newPublicKey", AgentIdentity.encodePublicKey(next.getPublic()),
                            "proof", proof));
        } catch (HubRefusedException e) {
            String why = switch (e.code()) {
                case "agent_revoked" ->
                    "this agent was revoked; re-enrol it with a new token: enginex-agent register --force --server "
                            + current.hub() + " --token exr_…";
                case "clock_skew" -> e.hubMessage();
                default ->
                    "the hub refused the key rotation: HTTP " + e.status() + " " + e.code() + " (" + e.hubMessage()
                            + "); the current key stays in use";
            };
            throw new RegistrationException(why, e);
        } catch (HubUnreachableException e) {
            throw new RegistrationException(
                    RegistrationErrors.unreachable(e, hub.trust().pinned()), e);
        }
        AgentIdentity rotated = new AgentIdentity(
                current.agentId(),
                current.tenant(),
                current.labels(),
                current.hub(),
                current.trust(),
                next.getPublic(),
                next.getPrivate(),
                current.registeredAt(),
                clock.instant());
        try {
            identityFile.save(rotated);
        } catch (IdentityException e) {
            throw new RegistrationException(
                    "the hub switched to the new key but it could not be saved (" + e.getMessage() + "); this agent"
                            + " cannot authenticate until it is re-enrolled: enginex-agent register --force …",
                    e);
        }
        return rotated;
    }
}
