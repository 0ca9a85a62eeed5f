package io.enginex.edge.server.job;

import io.enginex.edge.server.HubException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Admission control for job creation on this hub node: at most {@code capacity} creates in progress
 * at once, shared fairly between tenants. A tenant may hold at most an equal share of the capacity
 * among the tenants that want it at that moment: those with creates in progress, and those refused
 * within the last {@link #CONTENDING} (they are retrying). Alone, a tenant may use all of it. So one
 * tenant's burst cannot starve another: when a second tenant arrives at a full node, the first is
 * refused new creates until it is back under its share, and the room it frees goes to the second. A create over the limit is refused
 * at once with {@link HubException.Overloaded} (503, {@code Retry-After}) instead of queueing behind
 * work the hub cannot finish in time, so an overload sheds what is over capacity while what is under
 * it completes.
 *
 * <p>Thread-safe: the counts change under one lock, held for a few field updates; a refusal changes
 * nothing.
 */
public final class Admission {
    /** What a refused caller is told to wait, in seconds: about one create's time under load. */
    static final long RETRY_AFTER_SECONDS = 1;

    /** How long a refused tenant still counts as wanting a share: a little over its Retry-After. */
    static final Duration CONTENDING = Duration.ofSeconds(3);

    private final int capacity;
    private final Clock clock;
    private final Map<String, Integer> byTenant = new HashMap<>(); // guarded by this
    private final Map<String, Instant> refusedAt = new HashMap<>(); // guarded by this
    private int inFlight; // guarded by this
    private long refused; // guarded by this

    /** @param capacity the most creates in progress at once on this node, at least 1 */
    public Admission(int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the job admission capacity must be at least 1; got " + capacity);
        }
        this.capacity = capacity;
        this.clock = clock;
    }

    /** A place taken for one create; closing it gives the place back (once). */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Takes a place for a create of {@code tenant}.
     *
     * @throws HubException.Overloaded when the node is full or the tenant holds its share
     */
    public Permit enter(String tenant) {
        synchronized (this) {
            Instant now = clock.instant();
            refusedAt.values().removeIf(at -> at.plus(CONTENDING).isBefore(now));
            int mine = byTenant.getOrDefault(tenant, 0);
            Set<String> contenders = new HashSet<>(byTenant.keySet());
            contenders.addAll(refusedAt.keySet());
            contenders.add(tenant);
            int share = Math.max(1, capacity / contenders.size());
            if (inFlight >= capacity || mine >= share) {
                refused++;
                refusedAt.put(tenant, now);
                throw new HubException.Overloaded(
                        "the hub is at its capacity for new jobs (" + inFlight + " being created on this node, "
                                + mine + " of them for tenant " + tenant + ", whose fair share is " + share
                                + "); nothing was created. Retry after " + RETRY_AFTER_SECONDS + " s with the same"
                                + " Idempotency-Key, or raise --max-concurrent-jobs if the hub's machine and"
                                + " database have room",
                        RETRY_AFTER_SECONDS);
            }
            inFlight++;
            byTenant.put(tenant, mine + 1);
            refusedAt.remove(tenant);
        }
        return new Permit() {
            private boolean closed;

            @Override
            public void close() {
                synchronized (Admission.this) {
                    if (closed) {
                        return;
                    }
                    closed = true;
                    inFlight--;
                    byTenant.computeIfPresent(tenant, (t, n) -> n == 1 ? null : n - 1);
                }
            }
        };
    }

    /** Creates in progress on this node (for metrics and tests). */
    public synchronized int inFlight() {
        return inFlight;
    }

    /** Creates refused as over capacity since the hub started (for metrics). */
    public synchronized long refused() {
        return refused;
    }

    /** The most creates in progress at once. */
    public int capacity() {
        return capacity;
    }
}
