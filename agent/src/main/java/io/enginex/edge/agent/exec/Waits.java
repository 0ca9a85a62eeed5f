package io.enginex.edge.agent.exec;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Polling for the end of processes, which the OS does not announce for non-children. */
final class Waits {
    private static final long POLL_MILLIS = 50;

    private Waits() {}

    /**
     * Polls {@code done} every 50 ms, running {@code eachPoll} before each look, until it is true or
     * {@code limit} passed.
     *
     * @return the last answer of {@code done}; false at once when the thread is interrupted (the
     *     interrupt flag is then set again)
     */
    static boolean until(BooleanSupplier done, Duration limit, Runnable eachPoll) {
        long end = System.nanoTime() + limit.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - end >= 0) {
                return false;
            }
            try {
                TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            eachPoll.run();
        }
        return true;
    }
}
