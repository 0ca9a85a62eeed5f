package io.enginex.edge.agent.graph;

import java.time.Duration;

/** Waits between a failed attempt and the next; tests pass one that only records. */
@FunctionalInterface
public interface Sleeper {
    /** Sleeps on the calling thread. */
    Sleeper REAL = delay -> Thread.sleep(delay.toMillis());

    void sleep(Duration delay) throws InterruptedException;
}
