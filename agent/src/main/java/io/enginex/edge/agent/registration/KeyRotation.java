package io.enginex.edge.agent.registration;

import io.enginex.edge.agent.connection.AccessTokens;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.CurrentIdentity;
import io.enginex.edge.agent.identity.IdentityException;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingKey;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import java.time.Clock;
import java.util.Map;

/**
 * Replaces this agent's device key: makes a new Ed25519 pair, saves it as the identity's {@link
 * PendingKey}, asks the hub to switch with an assertion signed by the current key and a proof signed
 * by the new one ({@code POST /api/v1/agent/rotate-key}), then saves the identity with the new key.
 *
 * <p>Each outcome leaves a key the hub accepts: if the hub refuses, the pending key is dropped and the
 * old key stays; if its answer is lost (unreachable, or a 5xx that may have come after its commit), the
 * pending key stays beside the old one and the next connection uses whichever the hub accepts ({@link
 * AccessTokens}). A rotation that finds a pending key settles it that way first. Runs on the caller's
 * thread.
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
     * @throws RegistrationException if the hub refuses (the old key stays), cannot be reached or fails
     *     (the outcome is unknown: both keys are kept until a connection settles it), or if the new
     *     identity cannot be saved
     */
    public AgentIdentity rotate(AgentIdentity current) {
        AgentIdentity from = settlePendingKey(current);
        PendingKey next = PendingKey.of(Registrar.generateKeyPair(), clock.instant());
        String assertion = assertions.create(from.agentId(), from.privateKey());
        String proof = assertions.create(from.agentId(), next.privateKey());
        identityFile.savePendingKey(from, next); // before asking, so a lost answer cannot lock the agent out
        try {
            hub.postJson(
                    PATH,
                    Map.of(
                            "assertion", assertion,
                            "newPublicKey", AgentIdentity.encodePublicKey(next.publicKey()),
                            "proof", proof));
        } catch (HubRefusedException e) {
            if (e.status() >= 500) {
                throw unknownOutcome("the hub failed with HTTP " + e.status() + " " + e.code(), e);
            }
            identityFile.save(from); // the hub kept the old key: drop the pending one
            throw new RegistrationException(refusal(e, from), e);
        } catch (HubUnreachableException e) {
            throw unknownOutcome(RegistrationErrors.unreachable(e, hub.trust().pinned()), e);
        }
        AgentIdentity rotated = from.withKey(next);
        try {
            identityFile.save(rotated);
        } catch (IdentityException e) {
            throw new RegistrationException(
                    "the hub switched to the new key but it could not be saved as the current key ("
                            + e.getMessage() + "); it is kept as the pending key, and the agent adopts it at its"
                            + " next connection once " + identityFile.path() + " can be written",
                    e);
        }
        return rotated;
    }

    /**
     * If an earlier rotation left a pending key, learns which key the hub holds by asking for an
     * access token (which adopts the pending key if the hub switched to it), and returns the identity
     * to rotate from.
     */
    private AgentIdentity settlePendingKey(AgentIdentity current) {
        if (identityFile.loadPendingKey().isEmpty()) {
            return current;
        }
        try {
            new AccessTokens(hub, new CurrentIdentity(identityFile, current), assertions).fetch();
        } catch (HubRefusedException e) {
            throw new RegistrationException(refusal(e, current), e);
        } catch (HubUnreachableException e) {
            throw new RegistrationException(
                    "an earlier key rotation's answer was lost and the hub cannot be reached to settle it ("
                            + RegistrationErrors.unreachable(e, hub.trust().pinned())
                            + "); both keys are kept, the agent uses whichever the hub accepts at its next"
                            + " connection",
                    e);
        }
        return identityFile.load();
    }

    private RegistrationException unknownOutcome(String why, RuntimeException cause) {
        return new RegistrationException(
                why + "; the hub may or may not have switched to the new key, so both keys are kept and the"
                        + " agent uses whichever the hub accepts at its next connection",
                cause);
    }

    private static String refusal(HubRefusedException e, AgentIdentity current) {
        return switch (e.code()) {
            case "agent_revoked" ->
                "this agent was revoked; re-enrol it with a new token: enginex-agent register --force --server "
                        + current.hubs() + " --token exr_…";
            case "clock_skew" -> e.hubMessage();
            default ->
                "the hub refused the key rotation: HTTP " + e.status() + " " + e.code() + " (" + e.hubMessage()
                        + "); the current key stays in use";
        };
    }
}
