package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.connection.ConnectionListener;
import io.enginex.edge.agent.connection.ConnectionProblem;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.transport.HubTarget;
import io.enginex.edge.protocol.Welcome;
import java.util.function.BiConsumer;

/**
 * Keeps the status board in step with the connection loop: {@code connected} at each welcome, with
 * the hub address it is connected to (of several, the one dialled, and its IP when a host name has
 * several), {@code connecting} the moment a connection ends or an attempt fails, with the reason and
 * its fix as the last error (what {@code enginex-agent status} shows).
 */
final class StatusUpdates implements ConnectionListener {
    private final StatusBoard status;
    private final BiConsumer<Welcome, HubTarget> onConnected;
    private HubTarget target;

    /** @param onConnected also told of each welcome and its address (after the board), e.g. to print it */
    StatusUpdates(StatusBoard status, BiConsumer<Welcome, HubTarget> onConnected) {
        this.status = status;
        this.onConnected = onConnected;
    }

    @Override
    public void connecting(HubTarget dialled) {
        this.target = dialled;
    }

    @Override
    public void connected(Welcome welcome) {
        if (target != null) {
            status.hub(target.toString());
        }
        status.connected();
        onConnected.accept(welcome, target);
    }

    @Override
    public void disconnected(ConnectionProblem problem) {
        status.connecting(problem == null ? null : problem.describe());
    }

    @Override
    public void failed(ConnectionProblem problem) {
        status.connecting(problem.describe());
    }
}
