package io.enginex.edge.server.registration;

import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import java.time.Clock;
import java.time.Instant;

/**
 * An agent leaving by itself ({@code enginex-agent deregister}, e.g. from an uninstaller): it proves
 * possession of its device key with a normal signed assertion (single-use by its {@code jti}), and the
 * hub revokes it and records that it deregistered. Only the key's holder can do this, and only for
 * its own agent: the assertion names the agent, not the request. Thread-safe.
 */
final class Deregistrations {
    private final AssertionVerifier verifier;
    private final AgentStore agents;
    private final Clock clock;

    public Deregistrations(AssertionVerifier verifier, AgentStore agents, Clock clock) {
        this.verifier = verifier;
        this.agents = agents;
        this.clock = clock;
    }

    /** The agent as it was, and when it was deregistered. */
    public record Deregistered(Agent agent, Instant at) {}

    /**
     * @throws io.enginex.edge.server.HubException.Unauthenticated if the assertion does not verify,
     *     including {@code agent_revoked} for an agent revoked or deregistered before
     */
    public Deregistered deregister(String assertion) {
        Agent agent = verifier.verify(assertion);
        Instant now = clock.instant();
        agents.deregister(agent.tenantId(), agent.id(), now);
        return new Deregistered(
                agent, agents.findDeregistered(agent.tenantId(), agent.id()).orElse(now));
    }
}
