package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (a source address, a token, a person): {@code perMinute} attempts, refilled
 * evenly over a minute. The budget is the limiter's default, or one given with each attempt, so one
 * limiter can hold keys with different budgets (a registration token configured for a fleet rollout
 * beside the hub's default). In memory, per node. Thread-safe. The map is pruned of full buckets when
 * it grows, so scanning addresses cannot exhaust memory.
 */
public final class RateLimiter {
    private static final int PRUNE_AT = 10_000;

    private final int defaultPerMinute;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute, Clock clock) {
        this.defaultPerMinute = checked(perMinute);
        this.clock = clock;
    }

    private static int checked(int perMinute) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be positive; got " + perMinute);
        }
        return perMinute;
    }

    /** A bucket remembers its budget, so a key keeps the budget it was first given until it is full again. */
    private record Bucket(double tokens, long atMillis, int capacity) {
        double perMilli() {
            return capacity / 60_000.0;
        }

        double refill(long now) {
            return Math.min(capacity, tokens + Math.max(0, now - atMillis) * perMilli());
        }
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
        long now = clock.millis();
        if (buckets.size() > PRUNE_AT) {
            buckets.values().removeIf(b -> b.refill(now) >= b.capacity());
        }
        double[] waitMillis = {0};
        buckets.compute(key, (k, b) -> {
            Bucket current = b == null || b.capacity() != perMinute ? rebudget(b, perMinute, now) : b;
            double tokens = current.refill(now);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now, perMinute);
            }
            waitMillis[0] = (1 - tokens) / current.perMilli();
            return new Bucket(tokens, now, perMinute);
        });
        if (waitMillis[0] > 0) {
            throw new HubException.RateLimited(what, Math.max(1, (long) Math.ceil(waitMillis[0] / 1000)));
        }
    }

    /**
     * Refuses when {@code key} has no attempt left of the default budget, without spending one: for a
     * budget spent only by failures, checked before the work that may fail.
     *
     * @throws HubException.RateLimited if none is left, saying when the next one is
     */
    public void requireLeft(String key, String what) {
        Bucket b = buckets.get(key);
        if (b == null) {
            return;
        }
        double tokens = b.refill(clock.millis());
        if (tokens < 1) {
            throw new HubException.RateLimited(what, Math.max(1, (long) Math.ceil((1 - tokens) / b.perMilli() / 1000)));
        }
    }

    /** Spends one attempt of {@code key} from the default budget, if one is left; never throws. */
    public void spend(String key) {
        try {
            acquire(key, "spent");
        } catch (HubException.RateLimited e) {
            // already at zero: nothing more to take
        }
    }

    /** A new key starts full; a key whose budget changed keeps what it has spent, within the new budget. */
    private static Bucket rebudget(Bucket b, int perMinute, long now) {
        if (b == null) {
            return new Bucket(perMinute, now, perMinute);
        }
        double spent = b.capacity() - b.refill(now);
        return new Bucket(Math.max(0, perMinute - spent), now, perMinute);
    }

    /** How long until {@code key} has an attempt again (zero if it has one now). For tests. */
    Duration retryAfter(String key) {
        Bucket b = buckets.get(key);
        if (b == null) {
            return Duration.ZERO;
        }
        double tokens = b.refill(clock.millis());
        return tokens >= 1 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil((1 - tokens) / b.perMilli()));
    }
}
