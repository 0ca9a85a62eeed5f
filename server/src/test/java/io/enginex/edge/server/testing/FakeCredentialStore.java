package io.enginex.edge.server.testing;

import io.enginex.edge.server.store.CredentialStore;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Seen assertion ids in a set, for unit tests; access tokens are not kept. */
public final class FakeCredentialStore implements CredentialStore {
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    @Override
    public boolean rememberAssertion(String agentId, String jti, Instant expiresAt) {
        return seen.add(agentId + "/" + jti);
    }

    @Override
    public void saveAccessToken(String tokenHash, String tenantId, String agentId, Instant expiresAt) {
        throw new UnsupportedOperationException();
    }

    @Override
    public Optional<AccessGrant> consumeAccessToken(String tokenHash, Instant now) {
        throw new UnsupportedOperationException();
    }

    @Override
    public int purgeExpired(Instant now) {
        return 0;
    }
}
