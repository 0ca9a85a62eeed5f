package io.enginex.edge.agent.dispatch;

import io.enginex.edge.agent.tools.JobSecrets;
import io.enginex.edge.protocol.Dispatch;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A job between {@code begin} and {@code finish}: its dispatch, when it started, and how to stop it.
 * A cancel may arrive before the tool's thread exists; it is remembered and applied on {@link
 * #attach}.
 *
 * <p>A cancelled {@link Future} returns at once while its thread may still be ending what it
 * started (an {@code exec} tree gets SIGTERM and a grace period): {@link #enter}/{@link #exit} mark
 * the tool's thread, and {@link #awaitToolEnd} lets the supervisor report only after it ended.
 */
final class RunningJob {
    private final Dispatch dispatch;
    private final Instant startedAt;
    private static final int NOT_STARTED = 0;
    private static final int RUNNING = 1;
    private static final int ENDED = 2;

    private final ReentrantLock lock = new ReentrantLock();
    private final AtomicInteger tool = new AtomicInteger(NOT_STARTED);
    private final CountDownLatch toolEnded = new CountDownLatch(1);
    private final CountDownLatch reported = new CountDownLatch(1);
    private Future<?> future;
    private String cancelReason;

    private final JobSecrets secrets;

    RunningJob(Dispatch dispatch, Instant startedAt, JobSecrets secrets) {
        this.dispatch = dispatch;
        this.startedAt = startedAt;
        this.secrets = secrets;
    }

    private volatile com.fasterxml.jackson.databind.node.ObjectNode consent;

    /** How the person at the machine answered before the tool ran (consentRequired), or null. */
    com.fasterxml.jackson.databind.node.ObjectNode consent() {
        return consent;
    }

    void consent(com.fasterxml.jackson.databind.node.ObjectNode answer) {
        this.consent = answer;
    }

    /** The vault secrets this job revealed, to redact its outcome and progress. */
    JobSecrets secrets() {
        return secrets;
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

    /** Called first on the tool's thread; false when the supervisor gave up on it before it started. */
    boolean enter() {
        return tool.compareAndSet(NOT_STARTED, RUNNING);
    }

    /** Called last on the tool's thread, after whatever it started has ended. */
    void exit() {
        tool.set(ENDED);
        toolEnded.countDown();
    }

    /**
     * Waits until the tool's thread left the tool, or {@code limit} passed; a tool that never started
     * is marked so it never will.
     *
     * @return true when the tool is not running (any more)
     */
    boolean awaitToolEnd(Duration limit) throws InterruptedException {
        if (tool.compareAndSet(NOT_STARTED, ENDED)) {
            return true;
        }
        return toolEnded.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** True when the first cancel of this job gave {@code reason}. */
    boolean stoppedBy(String reason) {
        return reason.equals(cancelReason());
    }

    /** Called by the supervisor once the job's outcome was journaled and sent (or left to the next start). */
    void reported() {
        reported.countDown();
    }

    /** Waits up to {@code limit} for {@link #reported()}. */
    boolean awaitReported(Duration limit) throws InterruptedException {
        return reported.await(limit.toMillis(), TimeUnit.MILLISECONDS);
    }
}
