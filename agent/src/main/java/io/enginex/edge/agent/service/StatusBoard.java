package io.enginex.edge.agent.service;

import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's current {@link AgentStatus}, written to the {@link StatusFile} on every change,
 * so {@code enginex-agent status} is never more than one write behind.
 *
 * <p>Writes are coalesced: a change asks {@code writer} for a write only when none is pending, and that
 * write takes the status current when it runs, so a burst of changes (connect, policy, pause) costs
 * one or two writes and the file always ends with the latest status. Thread-safe: the enrolment, the
 * connection loop, the pause switch and timers update it; {@code lock} guards the value, {@code
 * writeLock} (held across the file write, never while changing the value) keeps writes in order.
 */
public final class StatusBoard {
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);

    private final StatusFile file;
    private final Clock clock;
    private final Executor writer;
    private final ReentrantLock lock = new ReentrantLock();
    private final ReentrantLock writeLock = new ReentrantLock();
    private final AtomicBoolean writePending = new AtomicBoolean();
    private AgentStatus current;

    /** Writes on the calling thread, once per change. */
    public StatusBoard(StatusFile file, Clock clock, long pid, String version) {
        this(file, clock, pid, version, Runnable::run);
    }

    /** @param writer runs the (coalesced) file writes, e.g. a virtual-thread executor */
    public StatusBoard(StatusFile file, Clock clock, long pid, String version, Executor writer) {
        this.file = file;
        this.clock = clock;
        this.writer = writer;
        this.current = new AgentStatus(
                "starting",
                null,
                null,
                null,
                clock.instant(),
                null,
                null,
                pid,
                version,
                clock.instant(),
                null,
                null,
                null);
    }

    public void state(String state) {
        update(status -> status.withState(state, clock.instant()));
    }

    public void agent(String hub, String agentId, String tenant) {
        update(status -> status.withAgent(hub, agentId, tenant));
    }

    /** The hub address the agent is connected to now (of several, the one it dialled). */
    public void hub(String hub) {
        update(status -> status.withAgent(hub, status.agentId(), status.tenant()));
    }

    public void error(String error) {
        update(status -> status.withError(error));
    }

    /** Not connected, trying again: state {@code connecting}, with why (and its fix) when known. */
    public void connecting(String problem) {
        update(status -> {
            AgentStatus next = status.withState("connecting", clock.instant());
            return problem == null ? next : next.withError(problem);
        });
    }

    /** Connected now: state {@code connected}, last-connected time now, no error. */
    public void connected() {
        update(status ->
                status.withState("connected", clock.instant()).withError(null).withConnectedAt(clock.instant()));
    }

    public void paused(Pause pause) {
        update(status -> status.withPaused(pause, clock.instant()));
    }

    public void updateState(UpdateState state) {
        update(status -> status.withUpdate(state));
    }

    public void ui(String address) {
        update(status -> status.withUi(address));
    }

    /** While connected: refreshes the last-connected time (a no-op in any other state). */
    public void stillConnected() {
        update(status -> status.state().equals("connected") ? status.withConnectedAt(clock.instant()) : status);
    }

    /** Writes the current status now, on the calling thread (before the process exits). */
    public void flush() {
        write();
    }

    public AgentStatus current() {
        lock.lock();
        try {
            return current;
        } finally {
            lock.unlock();
        }
    }

    private void update(UnaryOperator<AgentStatus> change) {
        lock.lock();
        try {
            current = change.apply(current);
        } finally {
            lock.unlock();
        }
        if (writePending.compareAndSet(false, true)) {
            writer.execute(this::write);
        }
    }

    private void write() {
        writeLock.lock();
        try {
            writePending.set(false); // a change from now on asks for another write
            AgentStatus latest = current();
            try {
                file.write(latest);
            } catch (IOException e) {
                log.atWarn().addKeyValue("file", file.path()).log("cannot write the status file: " + e);
            }
        } finally {
            writeLock.unlock();
        }
    }
}
