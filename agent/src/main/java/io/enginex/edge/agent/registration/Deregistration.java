package io.enginex.edge.agent.registration;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubUnreachableException;
import java.util.Map;

/**
 * Tells the hub this agent is leaving ({@code POST /api/v1/agent/deregister}), proving possession of
 * the device key with a signed assertion as connecting does. The hub revokes the agent, closes its
 * connection and audits it. Deleting the local identity afterwards is the caller's choice. Runs on
 * the caller's thread.
 */
public final class Deregistration {
    public static final String PATH = "/api/v1/agent/deregister";

    /** What the hub said. */
    public enum Outcome {
        /** The hub deregistered the agent now. */
        DEREGISTERED,
        /** The hub had revoked or deregistered it before: nothing left to do there. */
        ALREADY_REVOKED
    }

    private final HubClient hub;
    private final ClientAssertion assertions;

    public Deregistration(HubClient hub, ClientAssertion assertions) {
        this.hub = hub;
        this.assertions = assertions;
    }

    /**
     * @throws RegistrationException when the hub cannot be reached or refuses (the message says why and
     *     that the agent is still registered there)
     */
    public Outcome deregister(AgentIdentity identity) {
        try {
            JsonNode answer = hub.postJson(
                    PATH, Map.of("assertion", assertions.create(identity.agentId(), identity.privateKey())));
            if (!identity.agentId().equals(answer.path("agentId").asText())) {
                throw new RegistrationException("the hub answered for another agent ("
                        + answer.path("agentId").asText() + ") than " + identity.agentId() + "; nothing was deleted");
            }
            return Outcome.DEREGISTERED;
        } catch (HubRefusedException e) {
            if ("agent_revoked".equals(e.code())) {
                return Outcome.ALREADY_REVOKED;
            }
            String why = switch (e.code()) {
                case "clock_skew" -> e.hubMessage() + "; fix this machine's clock and try again";
                case "http_404" -> "the hub at " + identity.hub() + " does not offer deregistration (an older hub)";
                default ->
                    "the hub refused to deregister agent " + identity.agentId() + ": HTTP " + e.status() + " "
                            + e.code() + (e.hubMessage().isEmpty() ? "" : " (" + e.hubMessage() + ")");
            };
            throw new RegistrationException(why + "; the agent is still registered there", e);
        } catch (HubUnreachableException e) {
            throw new RegistrationException(
                    RegistrationErrors.unreachable(e, hub.trust().pinned()) + "; the agent is still registered there",
                    e);
        }
    }
}
