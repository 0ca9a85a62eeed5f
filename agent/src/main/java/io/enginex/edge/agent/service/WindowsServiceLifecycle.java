package io.enginex.edge.agent.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;

/**
 * The Windows service's state machine, free of any native call so it is tested on every OS: {@code
 * START_PENDING → RUNNING → STOP_PENDING → STOPPED}, the controls it accepts in each state, the exit
 * codes of the final report, and what a stop or shutdown control does. {@link WindowsServiceHost}
 * only carries its reports to {@code SetServiceStatus} and the SCM's controls to {@link #control}.
 *
 * <p>Threads: {@link #serve} runs on the thread the SCM gives {@code ServiceMain} and blocks for the
 * agent's lifetime; {@link #control} runs on the dispatcher thread and returns at once; {@link
 * #awaitStopped} runs in a shutdown hook. Reports are serialised by a lock (no I/O is done under it
 * other than the report itself, which is a short local call).
 */
public final class WindowsServiceLifecycle {
    public static final int SERVICE_STOPPED = 1;
    public static final int SERVICE_START_PENDING = 2;
    public static final int SERVICE_STOP_PENDING = 3;
    public static final int SERVICE_RUNNING = 4;

    public static final int SERVICE_CONTROL_STOP = 1;
    public static final int SERVICE_CONTROL_INTERROGATE = 4;
    public static final int SERVICE_CONTROL_SHUTDOWN = 5;
    public static final int SERVICE_CONTROL_PRESHUTDOWN = 15;

    public static final int SERVICE_ACCEPT_STOP = 0x1;
    public static final int SERVICE_ACCEPT_SHUTDOWN = 0x4;

    public static final int NO_ERROR = 0;
    public static final int ERROR_CALL_NOT_IMPLEMENTED = 120;
    public static final int ERROR_SERVICE_SPECIFIC_ERROR = 1066;

    /** The agent's start is quick (the connection and enrolment go on in the background). */
    static final Duration START_WAIT_HINT = Duration.ofSeconds(10);
    /** The agent closes its connection within 5 s of a stop; with margin. */
    static final Duration STOP_WAIT_HINT = Duration.ofSeconds(15);

    /** Where reports go: {@code SetServiceStatus} on Windows, a list in tests. */
    @FunctionalInterface
    public interface Reporter {
        void report(ScmStatus status);
    }

    private final Reporter reporter;
    private final Runnable requestStop;
    private final ReentrantLock lock = new ReentrantLock();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private int state = SERVICE_STOPPED;
    private int checkPoint;
    private boolean stopRequested;

    /**
     * @param requestStop starts the agent's graceful shutdown (the same as a SIGTERM elsewhere); called
     *     at most once, on the dispatcher thread, so it must not block
     */
    public WindowsServiceLifecycle(Reporter reporter, Runnable requestStop) {
        this.reporter = reporter;
        this.requestStop = requestStop;
    }

    /**
     * Reports {@code START_PENDING}, then {@code RUNNING}, runs the agent, and reports {@code STOPPED}
     * with its exit code (0 → {@code NO_ERROR}; anything else → {@code ERROR_SERVICE_SPECIFIC_ERROR}
     * with the agent's code, so the SCM's recovery actions restart it). An exception from the agent is
     * exit code 1.
     *
     * @return the agent's exit code
     */
    public int serve(IntSupplier agent) {
        transition(SERVICE_START_PENDING, 0, (int) START_WAIT_HINT.toMillis());
        transition(SERVICE_RUNNING, 0, 0);
        int exit = 1;
        try {
            exit = agent.getAsInt();
        } finally {
            transition(SERVICE_STOPPED, exit, 0);
            stopped.countDown();
        }
        return exit;
    }

    /**
     * Handles one control from the SCM ({@code HandlerEx}).
     *
     * @return the {@code HandlerEx} return value: {@code NO_ERROR}, or {@code ERROR_CALL_NOT_IMPLEMENTED}
     *     for a control this service does not take
     */
    public int control(int control) {
        switch (control) {
            case SERVICE_CONTROL_STOP, SERVICE_CONTROL_SHUTDOWN, SERVICE_CONTROL_PRESHUTDOWN -> {
                boolean first;
                lock.lock();
                try {
                    first = !stopRequested && state == SERVICE_RUNNING;
                    stopRequested |= first;
                } finally {
                    lock.unlock();
                }
                if (first) {
                    transition(SERVICE_STOP_PENDING, 0, (int) STOP_WAIT_HINT.toMillis());
                    requestStop.run();
                }
                return NO_ERROR;
            }
            case SERVICE_CONTROL_INTERROGATE -> {
                lock.lock();
                try {
                    reporter.report(status(state, 0, waitHintFor(state)));
                } finally {
                    lock.unlock();
                }
                return NO_ERROR;
            }
            default -> {
                return ERROR_CALL_NOT_IMPLEMENTED;
            }
        }
    }

    /** Waits until {@link #serve} has reported {@code STOPPED}; for the shutdown hook. */
    public boolean awaitStopped(Duration timeout) throws InterruptedException {
        return stopped.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The controls the SCM may send in a state: stop and shutdown when running, none while pending. */
    static int controlsAccepted(int state) {
        return state == SERVICE_RUNNING ? SERVICE_ACCEPT_STOP | SERVICE_ACCEPT_SHUTDOWN : 0;
    }

    private void transition(int next, int exit, int waitHint) {
        lock.lock();
        try {
            if (state == SERVICE_STOPPED && next != SERVICE_START_PENDING && next != SERVICE_STOPPED) {
                throw new IllegalStateException("cannot go from STOPPED to " + next + " without START_PENDING");
            }
            boolean pending = next == SERVICE_START_PENDING || next == SERVICE_STOP_PENDING;
            checkPoint = pending ? checkPoint + 1 : 0;
            state = next;
            reporter.report(status(next, exit, waitHint));
        } finally {
            lock.unlock();
        }
    }

    private ScmStatus status(int current, int exit, int waitHint) {
        boolean failed = current == SERVICE_STOPPED && exit != 0;
        return new ScmStatus(
                current,
                controlsAccepted(current),
                failed ? ERROR_SERVICE_SPECIFIC_ERROR : NO_ERROR,
                failed ? exit : 0,
                checkPoint,
                waitHint);
    }

    private static int waitHintFor(int state) {
        return switch (state) {
            case SERVICE_START_PENDING -> (int) START_WAIT_HINT.toMillis();
            case SERVICE_STOP_PENDING -> (int) STOP_WAIT_HINT.toMillis();
            default -> 0;
        };
    }
}
