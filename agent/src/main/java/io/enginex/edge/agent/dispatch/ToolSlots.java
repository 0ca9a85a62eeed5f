package io.enginex.edge.agent.dispatch;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * Per-tool concurrency caps ({@code limits.concurrency} of the effective policy). A call over its
 * tool's cap waits for a slot; the cap is read again every time a slot frees (or every {@code
 * reportEvery}), so a policy change applies to waiting calls too. A waiting call reports that it is
 * waiting when it starts to and every {@code reportEvery} after, so the hub sees it alive; the job's
 * deadline still counts, and the runner interrupts the wait when it passes or the job is cancelled.
 *
 * <p>Thread-safe. The lock is never held across anything but counting.
 */
final class ToolSlots {
    /** Receives "still waiting" reports. */
    interface WaitListener {
        void waiting(int running, int cap);
    }

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition freed = lock.newCondition();
    private final Map<String, Integer> running = new HashMap<>();
    private final Duration reportEvery;

    ToolSlots(Duration reportEvery) {
        this.reportEvery = reportEvery;
    }

    /**
     * Takes a slot of {@code tool}, waiting while {@code cap} are taken.
     *
     * @throws InterruptedException when the job is stopped while waiting (no slot is then held)
     */
    void acquire(String tool, IntSupplier cap, WaitListener listener) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            boolean reported = false;
            while (true) {
                int now = running.getOrDefault(tool, 0);
                int limit = cap.getAsInt();
                if (now < limit) {
                    running.put(tool, now + 1);
                    return;
                }
                if (!reported) {
                    listener.waiting(now, limit);
                    reported = true;
                }
                if (!freed.await(reportEvery.toMillis(), TimeUnit.MILLISECONDS)) {
                    listener.waiting(running.getOrDefault(tool, 0), cap.getAsInt());
                }
            }
        } finally {
            lock.unlock();
        }
    }

    /** Gives back a slot taken by {@link #acquire}. */
    void release(String tool) {
        lock.lock();
        try {
            running.merge(tool, -1, (a, b) -> a + b <= 0 ? null : a + b);
            freed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Calls of {@code tool} holding a slot now. */
    int running(String tool) {
        lock.lock();
        try {
            return running.getOrDefault(tool, 0);
        } finally {
            lock.unlock();
        }
    }
}
