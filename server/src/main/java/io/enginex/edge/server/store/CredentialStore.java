package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.Optional;

/** Short-lived agent credentials: seen assertion ids (replay guard) and access tokens for the WebSocket upgrade. */
public interface CredentialStore {
    /**
     * Remembers an assertion's {@code jti} until {@code expiresAt}.
     *
     * @return false if this agent already used this jti (a replay)
     */
    boolean rememberAssertion(String agentId, String jti, Instant expiresAt);

    void saveAccessToken(String tokenHash, String tenantId, String agentId, Instant expiresAt);

    /** Consumes an access token: valid once, before it expires. Not tenant-scoped: the token names its agent. */
    Optional<AccessGrant> consumeAccessToken(String tokenHash, Instant now);

    /** Deletes expired assertion ids and access tokens. */
    int purgeExpired(Instant now);

    record AccessGrant(String tenantId, String agentId) {}
}
