package io.enginex.edge.agent.connection;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.random.RandomGenerator;

/**
 * When the connection loop tries again: exponential backoff with full jitter, reset by a session that
 * worked, and bounded by the hub's restart notice.
 *
 * <ul>
 *   <li>The n-th consecutive failure waits a uniformly random time in {@code [0, min(cap, base·2^n)]}.
 *       The randomness spreads a fleet of agents over the whole window, so they do not reconnect in
 *       lock step.
 *   <li>A session that reached {@code welcome} ({@link #connected()}) and stayed up at least {@code
 *       stableAfter} starts the count over when it ends ({@link #disconnected}); one that ends sooner
 *       does not, so a hub that accepts and drops at once is not hammered.
 *   <li>A restart notice ({@link io.enginex.edge.protocol.RestartNotice}: the hub's close 1001 names
 *       a reconnect window) starts the count over, and until the next {@code welcome} every delay is
 *       uniformly random in {@code [0, min(window, cap)]}: the agent is back within the window of the
 *       moment the hub is, however long the restart took.
 * </ul>
 *
 * <p>Not thread-safe: owned by the connection loop.
 */
public final class Backoff {
    /** How long a session must stay up for its end to start the backoff over. */
    public static final Duration STABLE_SESSION = Duration.ofSeconds(30);

    private final Duration base;
    private final Duration cap;
    private final Duration stableAfter;
    private final RandomGenerator random;
    private final Clock clock;
    private int failures;
    private Instant connectedAt;
    private Duration restartWindow;

    /**
     * A backoff on the system clock with {@link #STABLE_SESSION}.
     *
     * @param base the window after the first failure
     * @param cap the largest window
     */
    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        this(base, cap, STABLE_SESSION, random, Clock.systemUTC());
    }

    /**
     * @param stableAfter how long a session must last for its end to start the count over
     * @param clock measures how long sessions last
     */
    public Backoff(Duration base, Duration cap, Duration stableAfter, RandomGenerator random, Clock clock) {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base must be positive, got " + base);
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap " + cap + " is below its base " + base);
        }
        this.base = base;
        this.cap = cap;
        this.stableAfter = stableAfter;
        this.random = random;
        this.clock = clock;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        long window = restartWindow != null
                ? restartWindow.toMillis()
                : window(failures).toMillis();
        if (failures < 62) {
            failures++;
        }
        return Duration.ofMillis(window == 0 ? 0 : random.nextLong(window + 1));
    }

    /** The upper bound of the delay after {@code n} earlier failures: {@code min(cap, base·2^n)}. */
    public Duration window(int n) {
        long baseMillis = base.toMillis();
        long capMillis = cap.toMillis();
        if (n >= 62 || baseMillis > (capMillis >> Math.min(n, 62))) {
            return cap;
        }
        return Duration.ofMillis(Math.min(capMillis, baseMillis << n));
    }

    /** Consecutive failures counted so far. */
    public int failures() {
        return failures;
    }

    /** The restart window in force until the next {@code welcome}, or null. */
    public Duration restartWindow() {
        return restartWindow;
    }

    /** A session reached {@code welcome} now; a restart window no longer applies. */
    public void connected() {
        connectedAt = clock.instant();
        restartWindow = null;
    }

    /**
     * A connection attempt or session ended.
     *
     * @param restartWindow the reconnect window of the hub's restart notice, or null when it gave none
     */
    public void disconnected(Duration restartWindow) {
        if (restartWindow != null) {
            failures = 0;
            this.restartWindow = restartWindow.compareTo(cap) < 0 ? restartWindow : cap;
        } else if (connectedAt != null
                && Duration.between(connectedAt, clock.instant()).compareTo(stableAfter) >= 0) {
            failures = 0;
        }
        connectedAt = null;
    }

    /** Starts over: no failures, no restart window. */
    public void reset() {
        failures = 0;
        restartWindow = null;
    }
}
