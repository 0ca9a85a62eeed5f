package io.enginex.edge.common.graph;

import java.time.Duration;

/**
 * How often a failed step is tried and how long to wait between tries: the wait before attempt
 * {@code n + 1} is {@code initialDelay × multiplier^(n-1)}, at most {@code maxDelay}.
 *
 * @param maxAttempts tries in all, at least 1 (1 = no retry)
 */
public record Retry(int maxAttempts, Duration initialDelay, double multiplier, Duration maxDelay) {
    /** One attempt, no retry. */
    public static final Retry NONE = new Retry(1, Duration.ZERO, 2, Duration.ZERO);

    public Retry {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        if (multiplier < 1) {
            throw new IllegalArgumentException("multiplier must be at least 1, was " + multiplier);
        }
    }

    /** The wait after failed attempt {@code attempt} (1-based) before the next one. */
    public Duration delayAfter(int attempt) {
        double millis = initialDelay.toMillis() * Math.pow(multiplier, attempt - 1);
        long capped = (long) Math.min(millis, (double) maxDelay.toMillis());
        return Duration.ofMillis(Math.max(0, capped));
    }
}
