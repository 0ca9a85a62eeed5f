package io.enginex.edge.server.events;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakes the readers of a tenant's job events (streams, the webhook sender) when something may have
 * been written: a job made or decided here (live views), finished here, or anything another node
 * signalled. A wake-up is only a hint: readers also look every poll interval, so a lost one costs at
 * most that long. Thread-safe; no lock is held while a reader reads.
 */
public final class EventWakeups implements AutoCloseable {
    private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final AtomicLong any = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition change = lock.newCondition();
    private volatile boolean closed;

    /** The tenant may have new events. Any thread; never blocks on I/O. */
    public void changed(String tenantId) {
        if (tenantId == null) {
            return;
        }
        generations.computeIfAbsent(tenantId, t -> new AtomicLong()).incrementAndGet();
        any.incrementAndGet();
        lock.lock();
        try {
            change.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The tenant's generation (null: any tenant's), to pass to {@link #await}. */
    public long generation(String tenantId) {
        if (tenantId == null) {
            return any.get();
        }
        AtomicLong g = generations.get(tenantId);
        return g == null ? 0 : g.get();
    }

    /**
     * Waits until the generation of {@code tenantId} (null: any tenant) moves past {@code seen}, at
     * most {@code poll}.
     *
     * @return false when the thread was interrupted or the hub is stopping
     */
    public boolean await(String tenantId, long seen, Duration poll) {
        long remaining = poll.toNanos();
        lock.lock();
        try {
            while (!closed && generation(tenantId) == seen && remaining > 0) {
                remaining = change.awaitNanos(remaining);
            }
            return !closed;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Whether {@link #close} was called. */
    public boolean closed() {
        return closed;
    }

    /** Ends every wait (the hub is stopping). */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            change.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
