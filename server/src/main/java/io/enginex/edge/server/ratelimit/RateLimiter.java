package io.enginex.edge.server.ratelimit;

import io.enginex.edge.server.HubException;
import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket per key (a source address, a token, a person): {@code perMinute} attempts, refilled
 * evenly over a minute. The budget is the limiter's default, or one given with each attempt, so one
 * limiter can hold keys with different budgets (a registration token configured for a fleet rollout
 * beside the hub's default). A key keeps the budget it was last given; given another, it keeps what it
 * has spent, within the new budget.
 *
 * <p>Where the buckets live is the {@link Buckets}' business: made by {@link RateLimits}, a limiter on
 * PostgreSQL keeps them in the database the nodes share, so a budget is global across the hub's nodes;
 * on the embedded database, in memory. Each limiter has a name that prefixes its keys, so two
 * limiters never share a bucket for the same address. Thread-safe.
 *
 * <p>On PostgreSQL an attempt is a database statement, and a database that fails fails the attempt
 * with JDBI's exception (503 to the caller): the limits fail closed (see {@link JdbcBuckets}).
 */
public final class RateLimiter {
    private final String name;
    private final int defaultPerMinute;
    private final Clock clock;
    private final Buckets buckets;

    /** A limiter of its own, in memory: for tests and for parts that are per node by nature. */
    public RateLimiter(int perMinute, Clock clock) {
        this("local", perMinute, clock, new MemoryBuckets());
    }

    /**
     * @param name prefixes the limiter's keys in {@code buckets}; unique among the limiters sharing them
     */
    RateLimiter(String name, int perMinute, Clock clock, Buckets buckets) {
        this.name = name;
        this.defaultPerMinute = checked(perMinute);
        this.clock = clock;
        this.buckets = buckets;
    }

    private static int checked(int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be positive; got " + perMinute);
        }
        return perMinute;
    }

    /**
     * Spends one attempt of {@code key}.
     *
     * @throws HubException.RateLimited if none is left, saying when the next one is
     */
    public void acquire(String key) {
        acquire(key, "too many attempts from this address");
    }

    /**
     * Spends one attempt of {@code key} from the default budget.
     *
     * @param what the refusal's wording, e.g. "too many attempts with this registration token"
     * @throws HubException.RateLimited if none is left, saying when the next one is
     */
    public void acquire(String key, String what) {
        acquire(key, defaultPerMinute, what);
    }

    /**
     * Spends one attempt of {@code key} from a budget of {@code perMinute}.
     *
     * @param what the refusal's wording; it should name the setting that raises the budget
     * @throws HubException.RateLimited if none is left, saying when the next one is
     * @throws IllegalArgumentException if {@code perMinute} is not positive
     */
    public void acquire(String key, int perMinute, String what) {
        checked(perMinute);
        Buckets.Attempt attempt = buckets.take(bucket(key), perMinute, clock.millis());
        if (!attempt.granted()) {
            throw refusal(what, attempt.left());
        }
    }

    /**
     * Refuses when {@code key} has no attempt left, without spending one: for a budget spent only by
     * failures, checked before the work that may fail.
     *
     * @throws HubException.RateLimited if none is left, saying when the next one is
     */
    public void requireLeft(String key, String what) {
        Buckets.Level level = buckets.peek(bucket(key), clock.millis());
        if (level != null && level.tokens() < 1) {
            throw refusal(what, level);
        }
    }

    /** Spends one attempt of {@code key} from the default budget, if one is left; never throws a refusal. */
    public void spend(String key) {
        buckets.take(bucket(key), defaultPerMinute, clock.millis());
    }

    /** How long until {@code key} has an attempt again (zero if it has one now). For tests. */
    Duration retryAfter(String key) {
        Buckets.Level level = buckets.peek(bucket(key), clock.millis());
        return level == null ? Duration.ZERO : Duration.ofMillis(level.millisUntilOne());
    }

    private String bucket(String key) {
        return name + "/" + key;
    }

    private static HubException.RateLimited refusal(String what, Buckets.Level left) {
        return new HubException.RateLimited(what, Math.max(1, (long) Math.ceil(left.millisUntilOne() / 1000.0)));
    }
}
