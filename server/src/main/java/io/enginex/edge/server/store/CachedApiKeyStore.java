package io.enginex.edge.server.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link ApiKeyStore} that remembers, for {@link #FRESH_FOR}, the keys it found by the hash of
 * their secret, so a client making many requests is authenticated from memory instead of with a read
 * each. Only found keys are remembered (an unknown secret is looked up every time), a key revoked
 * through this store is forgotten at once, and a key revoked through another hub node stops working
 * here within {@link #FRESH_FOR}. Thread-safe.
 */
public final class CachedApiKeyStore implements ApiKeyStore {
    /** How long a found key is trusted without reading it again. */
    public static final Duration FRESH_FOR = Duration.ofSeconds(1);

    // Bounds the memory a flood of distinct valid keys can take; past it the cache starts over.
    static final int MAX_KEYS = 10_000;

    private final ApiKeyStore store;
    private final Clock clock;
    private final ConcurrentHashMap<String, Found> byHash = new ConcurrentHashMap<>();

    private record Found(ApiKey key, Instant at) {}

    public CachedApiKeyStore(ApiKeyStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    @Override
    public ApiKey create(String id, String tenantId, String role, String label, String secretHash, String createdBy) {
        return store.create(id, tenantId, role, label, secretHash, createdBy);
    }

    @Override
    public Optional<ApiKey> findActiveByHash(String secretHash) {
        Instant now = clock.instant();
        Found found = byHash.get(secretHash);
        if (found != null && now.isBefore(found.at().plus(FRESH_FOR))) {
            return Optional.of(found.key());
        }
        Optional<ApiKey> key = store.findActiveByHash(secretHash);
        if (key.isPresent()) {
            if (byHash.size() >= MAX_KEYS) {
                byHash.clear();
            }
            byHash.put(secretHash, new Found(key.get(), now));
        } else {
            byHash.remove(secretHash);
        }
        return key;
    }

    @Override
    public boolean anyPlatformKey() {
        return store.anyPlatformKey();
    }

    @Override
    public List<ApiKey> list(String tenantId) {
        return store.list(tenantId);
    }

    @Override
    public Optional<ApiKey> find(String tenantId, String id) {
        return store.find(tenantId, id);
    }

    @Override
    public boolean revoke(String tenantId, String id, Instant at) {
        // Forgotten before and after: a lookup racing the update cannot keep it.
        forget(id);
        boolean revoked = store.revoke(tenantId, id, at);
        forget(id);
        return revoked;
    }

    /** Also updates the remembered key, so a request within {@link #FRESH_FOR} does not touch it again. */
    @Override
    public void touch(String id, Instant at) {
        store.touch(id, at);
        byHash.replaceAll((hash, found) -> found.key().id().equals(id)
                ? new Found(
                        new ApiKey(
                                found.key().id(),
                                found.key().tenantId(),
                                found.key().role(),
                                found.key().label(),
                                found.key().createdAt(),
                                found.key().revokedAt(),
                                at,
                                found.key().createdBy()),
                        found.at())
                : found);
    }

    private void forget(String id) {
        byHash.values().removeIf(found -> found.key().id().equals(id));
    }
}
