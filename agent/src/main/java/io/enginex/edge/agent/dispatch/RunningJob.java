package io.enginex.edge.agent.dispatch;

import io.enginex.edge.protocol.Dispatch;
import java.time.Instant;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A job between {@code begin} and {@code finish}: its dispatch, when it started, and how to stop it.
 * A cancel may arrive before the tool's thread exists; it is remembered and applied on {@link
 * #attach}.
 */
final class RunningJob {
    private final Dispatch dispatch;
    private final Instant startedAt;
    private final ReentrantLock lock = new ReentrantLock();
    private Future<?> future;
    private String cancelReason;

    RunningJob(Dispatch dispatch, Instant startedAt) {
        this.dispatch = dispatch;
        this.startedAt = startedAt;
    }

    Dispatch dispatch() {
        return dispatch;
    }

    Instant startedAt() {
        return startedAt;
    }

    /** Links the tool's thread; cancels it at once if a cancel came first. */
    void attach(Future<?> toolFuture) {
        lock.lock();
        try {
            this.future = toolFuture;
            if (cancelReason != null) {
                toolFuture.cancel(true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Asks the tool to stop: sets the flag it polls and interrupts its thread. */
    void cancel(String reason) {
        lock.lock();
        try {
            if (cancelReason == null) {
                cancelReason = reason == null || reason.isBlank() ? "cancelled by the hub" : reason;
            }
            if (future != null) {
                future.cancel(true);
            }
        } finally {
            lock.unlock();
        }
    }

    boolean cancelled() {
        lock.lock();
        try {
            return cancelReason != null;
        } finally {
            lock.unlock();
        }
    }

    String cancelReason() {
        lock.lock();
        try {
            return cancelReason;
        } finally {
            lock.unlock();
        }
    }
}
