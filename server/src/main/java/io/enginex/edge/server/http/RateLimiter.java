package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per key (source address): {@code perMinute} attempts, refilled evenly over a minute.
 * In memory, per node. Thread-safe. The map is pruned of full buckets when it grows, so scanning
 * addresses cannot exhaust memory.
 */
public final class RateLimiter {
    private static final int PRUNE_AT = 10_000;

    private final int capacity;
    private final double perMilli;
    private final Clock clock;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RateLimiter(int perMinute, Clock clock) {
        if (perMinute < 1) {
            throw new IllegalArgumentException("perMinute must be positive; got " + perMinute);
        }
        this.capacity = perMinute;
        this.perMilli = perMinute / 60_000.0;
        this.clock = clock;
    }

    private record Bucket(double tokens, long atMillis) {}

    /**
     * Spends one attempt of {@code key}.
     *
     * @throws HubException.RateLimited if none is left, saying when the next one is
     */
    public void acquire(String key) {
        acquire(key, "too many attempts from this address");
    }

    /**
     * Spends one attempt of {@code key}.
     *
     * @param what the refusal's wording, e.g. "too many attempts with this registration token"
     * @throws HubException.RateLimited if none is left, saying when the next one is
     */
    public void acquire(String key, String what) {
        long now = clock.millis();
        if (buckets.size() > PRUNE_AT) {
            buckets.values().removeIf(b -> refill(b, now) >= capacity);
        }
        double[] waitMillis = {0};
        buckets.compute(key, (k, b) -> {
            double tokens = b == null ? capacity : refill(b, now);
            if (tokens >= 1) {
                return new Bucket(tokens - 1, now);
            }
            waitMillis[0] = (1 - tokens) / perMilli;
            return new Bucket(tokens, now);
        });
        if (waitMillis[0] > 0) {
            throw new HubException.RateLimited(what, Math.max(1, (long) Math.ceil(waitMillis[0] / 1000)));
        }
    }

    /** How long until {@code key} has an attempt again (zero if it has one now). For tests. */
    Duration retryAfter(String key) {
        Bucket b = buckets.get(key);
        if (b == null) {
            return Duration.ZERO;
        }
        double tokens = refill(b, clock.millis());
        return tokens >= 1 ? Duration.ZERO : Duration.ofMillis((long) Math.ceil((1 - tokens) / perMilli));
    }

    private double refill(Bucket b, long now) {
        return Math.min(capacity, b.tokens() + Math.max(0, now - b.atMillis()) * perMilli);
    }
}
