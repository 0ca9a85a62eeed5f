package io.enginex.edge.client;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * When a call is sent again: after a connection failure, a lost answer or a timeout, and after the
 * hub's {@code 429}, {@code 5xx} or {@code 409 idempotency_key_in_use}; never after another refusal.
 * Only calls that are safe to repeat are retried: reads, and creates, which always carry an {@code
 * Idempotency-Key} (the same on every attempt). Between attempts the client waits the hub's {@code
 * Retry-After} (at most {@code maxRetryAfter}) or, without one, a full-jitter backoff: random(0,
 * min(cap, base·2^(attempt-1))). Immutable.
 *
 * @param maxAttempts how many times one call is sent at most (1: never retried)
 * @param base the first backoff's ceiling
 * @param cap the largest backoff ceiling
 * @param maxRetryAfter the longest {@code Retry-After} honoured (a longer one is cut to this)
 * @param giveUpAfter the longest one call may take with its retries; null: only {@code maxAttempts}
 *     bounds it. A retry whose wait would end past it is not made and the last failure is thrown.
 * @param finalCodes hub error codes never retried although their status is (e.g. {@code overloaded},
 *     for a client that counts what the hub shed)
 */
public record RetryPolicy(
        int maxAttempts,
        Duration base,
        Duration cap,
        Duration maxRetryAfter,
        Duration giveUpAfter,
        Set<String> finalCodes) {
    /** Five attempts, 0.5 s base, 8 s cap and at most 8 s of {@code Retry-After}: the engine CLI's. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(5, Duration.ofMillis(500), Duration.ofSeconds(8), Duration.ofSeconds(8), null, Set.of());

    /** Every call is sent once. */
    public static final RetryPolicy NONE = DEFAULT.withMaxAttempts(1);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1; got " + maxAttempts);
        }
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(cap, "cap");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
        if (base.isNegative() || cap.isNegative() || maxRetryAfter.isNegative()) {
            throw new IllegalArgumentException("backoff durations must not be negative");
        }
        if (giveUpAfter != null && giveUpAfter.isNegative()) {
            throw new IllegalArgumentException("giveUpAfter must not be negative; got " + giveUpAfter);
        }
        finalCodes = Set.copyOf(finalCodes);
    }

    public RetryPolicy withMaxAttempts(int attempts) {
        return new RetryPolicy(attempts, base, cap, maxRetryAfter, giveUpAfter, finalCodes);
    }

    public RetryPolicy withBackoff(Duration newBase, Duration newCap) {
        return new RetryPolicy(maxAttempts, newBase, newCap, maxRetryAfter, giveUpAfter, finalCodes);
    }

    public RetryPolicy withMaxRetryAfter(Duration longest) {
        return new RetryPolicy(maxAttempts, base, cap, longest, giveUpAfter, finalCodes);
    }

    public RetryPolicy withGiveUpAfter(Duration budget) {
        return new RetryPolicy(maxAttempts, base, cap, maxRetryAfter, budget, finalCodes);
    }

    public RetryPolicy withFinalCodes(Set<String> codes) {
        return new RetryPolicy(maxAttempts, base, cap, maxRetryAfter, giveUpAfter, codes);
    }

    /** The wait before attempt {@code attempt + 1} when the hub named none: full jitter. */
    Duration backoff(int attempt, RandomGenerator random) {
        long ceiling = Math.min(cap.toMillis(), base.toMillis() << Math.clamp(attempt - 1, 0, 20));
        return Duration.ofMillis(random.nextLong(ceiling + 1));
    }

    /** The hub's {@code Retry-After}, cut to {@link #maxRetryAfter}. */
    Duration honour(Duration retryAfter) {
        return retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
    }

    /** Whether an answer with {@code status} and {@code code} is worth another attempt of a create. */
    boolean retryable(int status, String code) {
        if (finalCodes.contains(code)) {
            return false;
        }
        return status == 429 || status >= 500 || (status == 409 && "idempotency_key_in_use".equals(code));
    }
}
