package io.enginex.edge.agent.connection;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.IdentitySource;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.agent.transport.HubTarget;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Trades a freshly signed client assertion for a one-time access token: {@code POST
 * /api/v1/agent/token}. The access token is used for exactly one WebSocket upgrade and never logged.
 * If the hub refuses the current key and a key rotation left a {@link
 * io.enginex.edge.agent.identity.PendingKey} (its answer was lost), the pending key is tried and, if
 * the hub accepts it, adopted: a lost answer never locks the agent out.
 */
public final class AccessTokens {
    static final String PATH = "/api/v1/agent/token";
    /** The hub's code for an assertion its stored key does not verify. */
    static final String ASSERTION_INVALID = "assertion_invalid";

    private final HubClient hub;
    private final IdentitySource identity;
    private final ClientAssertion assertions;

    /**
     * @param identity asked for the current identity at every fetch, so a rotated key is used at once;
     *     when the hub refuses that key, its pending key (if a rotation left one) is tried and adopted
     */
    public AccessTokens(HubClient hub, IdentitySource identity, ClientAssertion assertions) {
        this.hub = hub;
        this.identity = identity;
        this.assertions = assertions;
    }

    /**
     * Fetches a token from the client's preferred address.
     *
     * @throws HubRefusedException with the hub's code ({@code agent_revoked}, {@code clock_skew}, …)
     * @throws io.enginex.edge.agent.transport.HubUnreachableException when the hub does not answer
     */
    public String fetch() {
        return fetch(HubTarget.of(hub.endpoint()));
    }

    /**
     * Fetches a token from {@code target}, the address the WebSocket will then be opened to.
     *
     * @throws HubRefusedException with the hub's code ({@code agent_revoked}, {@code clock_skew}, …)
     * @throws io.enginex.edge.agent.transport.HubUnreachableException when the hub does not answer
     */
    public String fetch(HubTarget target) {
        try {
            return exchange(target, identity.get());
        } catch (HubRefusedException refused) {
            if (!ASSERTION_INVALID.equals(refused.code())) {
                throw refused;
            }
            Optional<AgentIdentity> pending = identity.withPendingKey();
            if (pending.isEmpty()) {
                throw refused;
            }
            String token;
            try {
                token = exchange(target, pending.get());
            } catch (HubRefusedException refusedToo) {
                refused.addSuppressed(refusedToo);
                throw refused;
            }
            identity.adopt(pending.get());
            return token;
        }
    }

    private String exchange(HubTarget target, AgentIdentity current) {
        String assertion = assertions.create(current.agentId(), current.privateKey());
        JsonNode answer = hub.postJson(target, PATH, Map.of("assertion", assertion));
        String token = answer.path("accessToken").asText("");
        if (token.isBlank()) {
            throw new HubRefusedException(
                    "POST " + PATH, 200, "bad_response", "the answer has no accessToken", Duration.ZERO);
        }
        return token;
    }
}
