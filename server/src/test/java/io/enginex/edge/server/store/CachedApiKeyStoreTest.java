package io.enginex.edge.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The remembered API keys, over a store in memory that counts its lookups. */
class CachedApiKeyStoreTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final Keys keys = new Keys();
    private final CachedApiKeyStore cached = new CachedApiKeyStore(keys, clock);

    @Test
    void aFoundKeyIsAnsweredFromMemoryUntilItIsNoLongerFresh() {
        keys.create("key_1", "acme", "operator", "", "hash-1", null);

        assertThat(cached.findActiveByHash("hash-1")).map(ApiKey::id).contains("key_1");
        clock.advance(CachedApiKeyStore.FRESH_FOR.minusMillis(1));
        assertThat(cached.findActiveByHash("hash-1")).map(ApiKey::id).contains("key_1");
        assertThat(keys.lookups).hasValue(1);

        clock.advance(Duration.ofMillis(1));
        assertThat(cached.findActiveByHash("hash-1")).isPresent();
        assertThat(keys.lookups).hasValue(2);
    }

    @Test
    void aKeyRevokedThroughTheStoreIsForgottenAtOnce() {
        keys.create("key_1", "acme", "operator", "", "hash-1", null);
        cached.findActiveByHash("hash-1");

        assertThat(cached.revoke("acme", "key_1", clock.instant())).isTrue();

        assertThat(cached.findActiveByHash("hash-1")).isEmpty();
    }

    @Test
    void aKeyRevokedElsewhereStopsWorkingOnceNoLongerFresh() {
        keys.create("key_1", "acme", "operator", "", "hash-1", null);
        cached.findActiveByHash("hash-1");

        keys.revoke("acme", "key_1", clock.instant()); // another hub node
        clock.advance(CachedApiKeyStore.FRESH_FOR);

        assertThat(cached.findActiveByHash("hash-1")).isEmpty();
    }

    @Test
    void anUnknownSecretIsLookedUpEveryTime() {
        assertThat(cached.findActiveByHash("nope")).isEmpty();
        assertThat(cached.findActiveByHash("nope")).isEmpty();

        assertThat(keys.lookups).hasValue(2);
    }

    @Test
    void aTouchIsRememberedSoTheNextRequestDoesNotTouchAgain() {
        keys.create("key_1", "acme", "operator", "", "hash-1", null);
        cached.findActiveByHash("hash-1");
        Instant used = clock.instant();

        cached.touch("key_1", used);

        assertThat(cached.findActiveByHash("hash-1")).map(ApiKey::lastUsedAt).contains(used);
        assertThat(keys.lookups).hasValue(1);
    }

    /** Keys in a map, counting lookups by hash. */
    private static final class Keys implements ApiKeyStore {
        final Map<String, ApiKey> byHash = new ConcurrentHashMap<>();
        final AtomicInteger lookups = new AtomicInteger();

        @Override
        public ApiKey create(
                String id, String tenantId, String role, String label, String secretHash, String createdBy) {
            ApiKey key = new ApiKey(id, tenantId, role, label, Instant.EPOCH, null, null, createdBy);
            byHash.put(secretHash, key);
            return key;
        }

        @Override
        public Optional<ApiKey> findActiveByHash(String secretHash) {
            lookups.incrementAndGet();
            return Optional.ofNullable(byHash.get(secretHash)).filter(k -> k.revokedAt() == null);
        }

        @Override
        public boolean anyPlatformKey() {
            return false;
        }

        @Override
        public List<ApiKey> list(String tenantId) {
            return List.copyOf(byHash.values());
        }

        @Override
        public Optional<ApiKey> find(String tenantId, String id) {
            return byHash.values().stream().filter(k -> k.id().equals(id)).findFirst();
        }

        @Override
        public boolean revoke(String tenantId, String id, Instant at) {
            boolean[] revoked = {false};
            byHash.replaceAll((hash, k) -> {
                if (k.id().equals(id) && k.revokedAt() == null) {
                    revoked[0] = true;
                    return new ApiKey(
                            k.id(),
                            k.tenantId(),
                            k.role(),
                            k.label(),
                            k.createdAt(),
                            at,
                            k.lastUsedAt(),
                            k.createdBy());
                }
                return k;
            });
            return revoked[0];
        }

        @Override
        public void touch(String id, Instant at) {}
    }
}
