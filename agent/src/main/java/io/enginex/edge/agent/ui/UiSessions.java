package io.enginex.edge.agent.ui;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Login codes and browser sessions of the status page. A login code is made for a holder of the
 * secret, or for a user the kernel named on the session channel ({@code enginex-agent ui} tries that
 * first); it is valid for {@link #CODE_TTL} and works once, and becomes a session valid for {@link
 * #SESSION_TTL} with its own CSRF token. A session is {@link Session#verified verified} only when its
 * code was made for a user the kernel named: a holder of the secret can write any name. Both live only
 * in this process's memory, at most {@link #MAX_ENTRIES} of each. Thread-safe.
 */
final class UiSessions {
    static final Duration CODE_TTL = Duration.ofSeconds(60);
    static final Duration SESSION_TTL = Duration.ofHours(1);
    static final int MAX_ENTRIES = 64;

    /**
     * A signed-in browser: who its link was made for, its CSRF token, when it ends.
     *
     * @param verified true when the kernel proved {@code user} (the session channel's peer
     *     credentials); false when a holder of the secret only named it
     */
    record Session(String id, String user, boolean verified, String csrf, Instant expiresAt) {}

    private record Code(String user, boolean verified, Instant expiresAt) {}

    private final Clock clock;
    private final SecureRandom random;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Code> codes = new LinkedHashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();

    UiSessions(Clock clock, SecureRandom random) {
        this.clock = clock;
        this.random = random;
    }

    /** A new one-time login code for {@code user}, as a holder of the secret named it (not verified). */
    String newCode(String user) {
        return newCode(user, false);
    }

    /**
     * A new one-time login code for {@code user}.
     *
     * @param verified whether the kernel proved who {@code user} is
     */
    String newCode(String user, boolean verified) {
        String code = token();
        lock.lock();
        try {
            prune();
            evictOldest(codes);
            codes.put(code, new Code(user, verified, clock.instant().plus(CODE_TTL)));
        } finally {
            lock.unlock();
        }
        return code;
    }

    /** Trades a valid, unused code for a new session; a code works once. */
    Optional<Session> redeem(String code) {
        if (code == null || code.isEmpty()) {
            return Optional.empty();
        }
        lock.lock();
        try {
            prune();
            Code found = codes.remove(code);
            if (found == null) {
                return Optional.empty();
            }
            evictOldest(sessions);
            Session session = new Session(
                    token(),
                    found.user(),
                    found.verified(),
                    token(),
                    clock.instant().plus(SESSION_TTL));
            sessions.put(session.id(), session);
            return Optional.of(session);
        } finally {
            lock.unlock();
        }
    }

    Optional<Session> find(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.empty();
        }
        lock.lock();
        try {
            prune();
            return Optional.ofNullable(sessions.get(id));
        } finally {
            lock.unlock();
        }
    }

    void end(String id) {
        lock.lock();
        try {
            sessions.remove(id);
        } finally {
            lock.unlock();
        }
    }

    /** Compares secrets in time independent of where they differ. */
    static boolean same(String expected, String presented) {
        return presented != null
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    /** 256 random bits, base64url. */
    String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private void prune() {
        Instant now = clock.instant();
        codes.values().removeIf(c -> !c.expiresAt().isAfter(now));
        sessions.values().removeIf(s -> !s.expiresAt().isAfter(now));
    }

    private static void evictOldest(Map<String, ?> map) {
        while (map.size() >= MAX_ENTRIES) {
            map.remove(map.keySet().iterator().next());
        }
    }
}
