package io.enginex.edge.server.ratelimit;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Buckets in this node's memory: right for the embedded database, where the hub is one node.
 * Thread-safe. The map is pruned of full buckets when it grows past {@link #PRUNE_AT}, so scanning
 * addresses cannot exhaust memory.
 */
final class MemoryBuckets implements Buckets {
    static final int PRUNE_AT = 10_000;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** What a bucket held at its last attempt. */
    private record Bucket(double tokens, long atMillis, int capacity) {
        double refill(long now) {
            return Buckets.refill(tokens, atMillis, capacity, now);
        }
    }

    @Override
    public Attempt take(String bucket, int capacity, long nowMillis) {
        if (buckets.size() > PRUNE_AT) {
            purge(nowMillis);
        }
        Attempt[] outcome = new Attempt[1];
        buckets.compute(bucket, (k, b) -> {
            if (b == null) {
                outcome[0] = new Attempt(true, new Level(capacity - 1, capacity));
                return new Bucket(capacity - 1, nowMillis, capacity);
            }
            double level = Buckets.rebudget(b.refill(nowMillis), b.capacity(), capacity);
            boolean granted = level >= 1;
            double left = granted ? level - 1 : level;
            outcome[0] = new Attempt(granted, new Level(left, capacity));
            return new Bucket(left, Math.max(b.atMillis(), nowMillis), capacity);
        });
        return outcome[0];
    }

    @Override
    public Level peek(String bucket, long nowMillis) {
        Bucket b = buckets.get(bucket);
        return b == null ? null : new Level(b.refill(nowMillis), b.capacity());
    }

    @Override
    public int purge(long nowMillis) {
        int before = buckets.size();
        buckets.values().removeIf(b -> b.refill(nowMillis) >= b.capacity());
        return Math.max(0, before - buckets.size());
    }
}
