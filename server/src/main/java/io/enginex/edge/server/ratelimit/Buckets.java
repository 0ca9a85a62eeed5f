package io.enginex.edge.server.ratelimit;

/**
 * Where a {@link RateLimiter}'s token buckets live, and their arithmetic: in this node's memory
 * ({@link MemoryBuckets}) or in the database that all nodes share ({@link JdbcBuckets}). Both compute
 * the same numbers from the same times.
 *
 * <p>A bucket is named by a string (its limiter's name and the key), holds tokens (fractional) out of
 * a capacity a minute, and refills evenly over a minute from the time of its last attempt. A bucket
 * with no state is full. Times are the hub clock's milliseconds, passed in, so tests control them. A
 * bucket's time never goes back: an attempt stamped before the bucket's last one refills nothing and
 * leaves the stamp where it was (nodes whose clocks differ cannot refill a bucket by taking turns).
 *
 * <p>Implementations are thread-safe, and each call is atomic for its bucket.
 */
public interface Buckets {
    /** Milliseconds over which an empty bucket refills to its capacity. */
    long REFILL_MILLIS = 60_000;

    /** A bucket at a moment: {@code tokens} (refilled up to then) out of {@code capacity} a minute. */
    record Level(double tokens, int capacity) {
        /** Milliseconds until the bucket holds one token again; zero if it holds one now. */
        public long millisUntilOne() {
            return tokens >= 1 ? 0 : (long) Math.ceil((1 - tokens) / perMilli(capacity));
        }
    }

    /**
     * One attempt's outcome.
     *
     * @param granted whether it took a token
     * @param left the bucket as the attempt left it
     */
    record Attempt(boolean granted, Level left) {}

    /**
     * Takes one token from {@code bucket} at {@code nowMillis}, if it holds one. A bucket first seen
     * starts full. A bucket whose capacity differs from {@code capacity} keeps what it has spent, within
     * the new capacity, and has {@code capacity} from then on. A refused attempt changes nothing but the
     * capacity and the time the tokens are counted at.
     *
     * @throws RuntimeException (JDBI's) if the database fails; nothing was taken then
     */
    Attempt take(String bucket, int capacity, long nowMillis);

    /**
     * The tokens of {@code bucket} at {@code nowMillis} without taking any, or null if it has no state
     * (it is full, whatever its capacity).
     */
    Level peek(String bucket, long nowMillis);

    /**
     * Forgets the buckets that have refilled to their capacity by {@code nowMillis}, which changes no
     * outcome (a bucket with no state is full).
     *
     * @return how many were forgotten
     */
    int purge(long nowMillis);

    /** Tokens a bucket of {@code capacity} a minute gains a millisecond. */
    static double perMilli(int capacity) {
        return capacity / (double) REFILL_MILLIS;
    }

    /**
     * The tokens a bucket holds at {@code nowMillis} that held {@code tokens} of {@code capacity} at
     * {@code atMillis}. The database computes the same in SQL ({@link JdbcBuckets}).
     */
    static double refill(double tokens, long atMillis, int capacity, long nowMillis) {
        return Math.min(capacity, tokens + Math.max(0, nowMillis - atMillis) * perMilli(capacity));
    }

    /**
     * The tokens a bucket holds for an attempt with {@code capacity} when it holds {@code refilled} of
     * {@code had}: the same if the capacity is the same, else the new capacity less what was spent.
     */
    static double rebudget(double refilled, int had, int capacity) {
        return had == capacity ? refilled : Math.max(0, capacity - (had - refilled));
    }
}
