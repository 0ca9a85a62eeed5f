package io.enginex.edge.server.ratelimit;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the hub's {@link RateLimiter}s, all over one kind of {@link Buckets}: on PostgreSQL the
 * database's ({@link #shared}), so every budget is global across the hub's nodes; on the embedded
 * database each limiter's own in memory ({@link #inMemory}), the hub being one node. Made once per
 * hub; thread-safe.
 *
 * <p>A limiter's name prefixes its keys, so names are unique: asking for one twice is a bug (two
 * limiters would share their buckets in the database) and throws.
 */
public final class RateLimits {
    private static final Logger log = LoggerFactory.getLogger(RateLimits.class);
    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final Clock clock;
    private final Supplier<Buckets> buckets;
    private final boolean global;
    private final List<Buckets> made = new CopyOnWriteArrayList<>();
    private final List<String> names = new CopyOnWriteArrayList<>();

    private RateLimits(Clock clock, Supplier<Buckets> buckets, boolean global) {
        this.clock = clock;
        this.buckets = buckets;
        this.global = global;
    }

    /** Limiters whose buckets are each in this node's memory: for the embedded database (one node). */
    public static RateLimits inMemory(Clock clock) {
        return new RateLimits(clock, MemoryBuckets::new, false);
    }

    /** Limiters whose buckets are all in {@code buckets}, which the hub's nodes share. */
    public static RateLimits shared(Buckets buckets, Clock clock) {
        return new RateLimits(clock, () -> buckets, true);
    }

    /** Whether the budgets are global across nodes (in the database) rather than this node's. */
    public boolean global() {
        return global;
    }

    /**
     * A limiter with a default budget of {@code perMinute}.
     *
     * @param name what it limits, lower-case words with dashes ({@code login-email}); unique per hub
     * @throws IllegalArgumentException if the name is malformed or already taken
     */
    public synchronized RateLimiter limiter(String name, int perMinute) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a rate limiter's name is lower-case letters, digits and dashes, up to 40; got " + name);
        }
        if (names.contains(name)) {
            throw new IllegalArgumentException("a rate limiter named " + name + " exists already; two limiters "
                    + "with one name would share their buckets across the hub's nodes, so give each its own");
        }
        Buckets b = buckets.get();
        var limiter = new RateLimiter(name, perMinute, clock, b);
        names.add(name);
        if (!made.contains(b)) {
            made.add(b);
        }
        return limiter;
    }

    /**
     * Forgets the buckets that are full again (a full bucket and none are the same), so the table or
     * the maps hold only addresses that spent something lately; for a timer, once a minute on one node.
     * Never throws: a failure is logged and the next run tries again.
     */
    public void purge() {
        long now = clock.millis();
        for (Buckets b : made) {
            try {
                int purged = b.purge(now);
                if (purged > 0) {
                    log.atDebug().addKeyValue("buckets", purged).log("full rate-limit buckets purged");
                }
            } catch (RuntimeException e) {
                log.atWarn().addKeyValue("reason", e.toString()).log("rate-limit purge failed; retrying on the next");
            }
        }
    }
}
