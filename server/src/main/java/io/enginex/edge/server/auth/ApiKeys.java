package io.enginex.edge.server.auth;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.IdGenerator;
import io.enginex.edge.server.PrintableField;
import io.enginex.edge.server.store.ApiKey;
import io.enginex.edge.server.store.ApiKeyStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Issues API keys and authenticates callers by them. Thread-safe. */
public final class ApiKeys {
    private final ApiKeyStore store;
    private final Secrets secrets;
    private final IdGenerator ids;
    private final Clock clock;

    /** How stale {@code last_used_at} may get before a request writes it again. */
    static final Duration TOUCH_EVERY = Duration.ofMinutes(1);

    public ApiKeys(ApiKeyStore store, Secrets secrets, IdGenerator ids, Clock clock) {
        this.store = store;
        this.secrets = secrets;
        this.ids = ids;
        this.clock = clock;
    }

    /** A new key and its secret; the secret exists only in the returned value. */
    public record Issued(ApiKey key, String secret) {
        @Override
        public String toString() {
            return "Issued[key=" + key + ", secret=****]";
        }
    }

    /** Issues a key of {@code role} for {@code tenantId} ({@code null} only for platform-admin). */
    public Issued issue(String tenantId, Role role, String label) {
        return issue(tenantId, role, label, null);
    }

    /** Issues a key, recording who made it ({@code createdBy}, a user or key id). */
    public Issued issue(String tenantId, Role role, String label, String createdBy) {
        PrintableField.require(label, "label");
        String secret = secrets.newSecret(Secrets.API_KEY_PREFIX);
        ApiKey key = store.create(
                ids.next("key"), tenantId, role.wire(), label == null ? "" : label, Secrets.hash(secret), createdBy);
        return new Issued(key, secret);
    }

    /** Issues the first platform key if there is none yet. */
    public Optional<Issued> issuePlatformKeyIfNone() {
        if (store.anyPlatformKey()) {
            return Optional.empty();
        }
        return Optional.of(issue(null, Role.PLATFORM_ADMIN, "platform admin (first start)"));
    }

    /**
     * The caller behind an {@code Authorization} header value.
     *
     * @throws HubException.Unauthenticated {@code unauthenticated} without a bearer API key, or with
     *     one the hub does not know (or that was revoked)
     */
    public Caller authenticate(String authorizationHeader) {
        String secret = bearer(authorizationHeader);
        if (secret == null || !secret.startsWith(Secrets.API_KEY_PREFIX)) {
            throw new HubException.Unauthenticated(
                    "unauthenticated",
                    "send an API key as 'Authorization: Bearer exk_…'; the platform key is in <data-dir>/admin.key");
        }
        // Lookup by hash: the database compares hashes, so no secret-dependent timing leaks.
        ApiKey key = store.findActiveByHash(Secrets.hash(secret))
                .orElseThrow(() -> new HubException.Unauthenticated(
                        "unauthenticated", "this API key is unknown or revoked; ask an admin for a new one"));
        Role role = Role.fromWire(key.role());
        if (role != Role.PLATFORM_ADMIN && key.tenantId() == null) {
            throw new HubException.Unauthenticated("unauthenticated", "API key " + key.id() + " has no tenant");
        }
        Instant now = clock.instant();
        if (key.lastUsedAt() == null || key.lastUsedAt().isBefore(now.minus(TOUCH_EVERY))) {
            store.touch(key.id(), now);
        }
        return new Caller(key.id(), key.tenantId(), role, Caller.Kind.API_KEY, false, key.label());
    }

    /** The token of a {@code Bearer} header, or null. */
    public static String bearer(String header) {
        if (header == null || header.length() < 8 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String token = header.substring(7).trim();
        return token.isEmpty() ? null : token;
    }
}
