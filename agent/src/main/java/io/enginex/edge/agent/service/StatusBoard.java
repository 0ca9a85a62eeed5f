package io.enginex.edge.agent.service;

import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running agent's current {@link AgentStatus}, written to the {@link StatusFile} on every change.
 * Thread-safe: the enrolment, the connection loop and a periodic refresh update it; a lock (not
 * synchronized: the update writes a file) keeps writes in order.
 */
public final class StatusBoard {
    private static final Logger log = LoggerFactory.getLogger(StatusBoard.class);

    private final StatusFile file;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private AgentStatus current;

    public StatusBoard(StatusFile file, Clock clock, long pid, String version) {
        this.file = file;
        this.clock = clock;
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

    public void error(String error) {
        update(status -> status.withError(error));
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
            try {
                file.write(current);
            } catch (IOException e) {
                log.atWarn().addKeyValue("file", file.path()).log("cannot write the status file: " + e);
            }
        } finally {
            lock.unlock();
        }
    }
}
