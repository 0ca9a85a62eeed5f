package io.enginex.edge.agent.pause;

import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's pause switch. {@link #pause} and {@link #resume} persist the change in the
 * {@link PauseFile} first, then tell the listeners (the hub connection, the status file, the local
 * audit log). Jobs already running when the agent is paused finish; only new ones are refused.
 *
 * <p>Thread-safe: changes are serialised by a lock, held across the small file write and the
 * listeners (which must not block: they queue a frame or append a line), never across network I/O.
 * {@link #get()} is lock-free.
 */
public final class PauseSwitch implements Supplier<Pause> {
    private static final Logger log = LoggerFactory.getLogger(PauseSwitch.class);

    /** A change: {@code now} is null after a resume; {@code by} is who asked, {@code via} how. */
    public record Change(Pause now, Pause before, String by, String via) {}

    private final PauseFile file;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
    private volatile Pause current;

    /**
     * Loads the pause left from before a restart.
     *
     * @throws UncheckedIOException when the pause file exists but cannot be read
     */
    public PauseSwitch(PauseFile file, Clock clock) {
        this.file = file;
        this.clock = clock;
        try {
            this.current = file.read().orElse(null);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot read " + file.path() + " (" + e.getMessage()
                            + "); fix its permissions, or delete it to resume the agent",
                    e);
        }
    }

    /** The current pause, or null when the agent takes jobs. */
    @Override
    public Pause get() {
        return current;
    }

    public void onChange(Consumer<Change> listener) {
        listeners.add(listener);
    }

    /**
     * Pauses local actions; a second pause keeps the first one's person and time.
     *
     * @param by who asked (the account name the local UI or CLI reported)
     * @param via how: {@code status page} or {@code cli}
     * @return the pause in force
     */
    public Pause pause(String by, String via) {
        return change(new Pause(by, clock.instant()), by, via);
    }

    /** Resumes; a no-op when not paused. */
    public void resume(String by, String via) {
        change(null, by, via);
    }

    private Pause change(Pause wanted, String by, String via) {
        lock.lock();
        try {
            Pause before = current;
            if ((before == null) == (wanted == null)) {
                return before; // already in that state
            }
            try {
                file.write(wanted);
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot write " + file.path() + " (" + e.getMessage() + "); the agent's state directory"
                                + " must be writable by the agent",
                        e);
            }
            current = wanted;
            log.atInfo()
                    .addKeyValue("by", by)
                    .addKeyValue("via", via)
                    .log(
                            wanted != null
                                    ? "local actions paused: new jobs are refused with agent_paused until resumed"
                                    : "local actions resumed");
            // Under the lock, so listeners see changes in the order they happened (the hub must end
            // up with the last one); they only queue a frame or append a line.
            Change change = new Change(wanted, before, by, via);
            for (Consumer<Change> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    log.atWarn().setCause(e).log("a pause listener failed");
                }
            }
            return wanted;
        } finally {
            lock.unlock();
        }
    }
}
