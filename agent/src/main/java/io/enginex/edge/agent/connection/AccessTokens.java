package io.enginex.edge.agent.connection;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import java.time.Duration;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Trades a freshly signed client assertion for a one-time access token: {@code POST
 * /api/v1/agent/token}. The access token is used for exactly one WebSocket upgrade and never logged.
 */
public final class AccessTokens {
    static final String PATH = "/api/v1/agent/token";

    private final HubClient hub;
    private final Supplier<AgentIdentity> identity;
    private final ClientAssertion assertions;

    /** @param identity asked for the current identity at every fetch, so a rotated key is used at once */
    public AccessTokens(HubClient hub, Supplier<AgentIdentity> identity, ClientAssertion assertions) {
        this.hub = hub;
        this.identity = identity;
        this.assertions = assertions;
    }

    /**
     * @throws HubRefusedException with the hub's code ({@code agent_revoked}, {@code clock_skew}, …)
     * @throws io.enginex.edge.agent.transport.HubUnreachableException when the hub does not answer
     */
    public String fetch() {
        AgentIdentity current = identity.get();
        String assertion = assertions.create(current.agentId(), current.privateKey());
        JsonNode answer = hub.postJson(PATH, Map.of("assertion", assertion));
        String token = answer.path("accessToken").asText("");
        if (token.isBlank()) {
            throw new HubRefusedException(
                    "POST " + PATH, 200, "bad_response", "the answer has no accessToken", Duration.ZERO);
        }
        return token;
    }
}
