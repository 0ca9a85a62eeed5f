package io.enginex.edge.agent.connection;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th consecutive failure waits a uniformly random time in
 * {@code [0, min(cap, base·2^n)]}. The randomness spreads a fleet of agents over the whole window
 * after a hub restart, so they do not reconnect in lock step.
 *
 * <p>Not thread-safe: owned by the connection loop.
 */
public final class Backoff {
    private final Duration base;
    private final Duration cap;
    private final RandomGenerator random;
    private int failures;

    /**
     * @param base the window after the first failure
     * @param cap the largest window
     */
    public Backoff(Duration base, Duration cap, RandomGenerator random) {
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("backoff base must be positive, got " + base);
        }
        if (cap.compareTo(base) < 0) {
            throw new IllegalArgumentException("backoff cap " + cap + " is below its base " + base);
        }
        this.base = base;
        this.cap = cap;
        this.random = random;
    }

    /** The delay before the next attempt; each call counts one more failure. */
    public Duration next() {
        long window = window(failures).toMillis();
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

    /** Starts over after a connection that worked (reached welcome). */
    public void reset() {
        failures = 0;
    }
}
