package io.enginex.edge.server.registration;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Secrets;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.CredentialStore;
import io.enginex.edge.server.store.CredentialStore.AccessGrant;
import io.enginex.edge.server.store.Transactions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Short-lived, single-use tokens ({@code exa_…}) that let an agent open its WebSocket. Only their
 * hash is stored. Thread-safe.
 */
public final class AccessTokens {
    /** Access tokens one agent may get a minute: far above what a reconnecting agent's backoff asks. */
    public static final int PER_AGENT_PER_MINUTE = 60;

    public static final Duration TTL = Duration.ofSeconds(60);

    private final CredentialStore credentials;
    private final AgentStore agents;
    private final Secrets secrets;
    private final Clock clock;
    private final Transactions writes;

    /**
     * @param writes where a token is saved and spent: the hub's group commit, so that the thousands of
     *     agents of a reconnect storm share commits instead of each holding a pooled connection
     */
    public AccessTokens(
            CredentialStore credentials, AgentStore agents, Secrets secrets, Clock clock, Transactions writes) {
        this.credentials = credentials;
        this.agents = agents;
        this.secrets = secrets;
        this.clock = clock;
        this.writes = writes;
    }

    /** A new access token for {@code agent}, valid for {@link #TTL}, once. */
    public String issue(Agent agent) {
        String token = secrets.newSecret(Secrets.ACCESS_TOKEN_PREFIX);
        Instant expires = clock.instant().plus(TTL);
        writes.run(() -> credentials.saveAccessToken(Secrets.hash(token), agent.tenantId(), agent.id(), expires));
        return token;
    }

    /**
     * Spends {@code token} and returns whom it was issued to.
     *
     * @throws HubException.Unauthenticated {@code access_token_invalid} if it is unknown, used or
     *     expired; {@code agent_revoked} if its agent was revoked since
     */
    public AccessGrant consume(String token) {
        if (token == null || !token.startsWith(Secrets.ACCESS_TOKEN_PREFIX)) {
            throw new HubException.Unauthenticated(
                    "access_token_invalid",
                    "connect with 'Authorization: Bearer " + "exa_…' from POST /api/v1/agent/token");
        }
        Instant now = clock.instant();
        AccessGrant grant = writes.inTransaction(() -> credentials.consumeAccessToken(Secrets.hash(token), now))
                .orElseThrow(() -> new HubException.Unauthenticated(
                        "access_token_invalid",
                        "this access token is "
                                + "unknown, used or expired (they are valid once, for " + TTL.toSeconds()
                                + " s); get a new one from POST /api/v1/agent/token"));
        Agent agent = agents.find(grant.tenantId(), grant.agentId())
                .orElseThrow(() -> new HubException.Unauthenticated(
                        "agent_unknown", "agent " + grant.agentId() + " no longer exists"));
        if (agent.revoked()) {
            throw new HubException.Unauthenticated("agent_revoked", "agent " + agent.id() + " was revoked");
        }
        return grant;
    }
}
