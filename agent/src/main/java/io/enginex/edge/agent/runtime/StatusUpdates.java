package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.connection.ConnectionListener;
import io.enginex.edge.agent.connection.ConnectionProblem;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.protocol.Welcome;
import java.util.function.Consumer;

/**
 * Keeps the status board in step with the connection loop: {@code connected} at each welcome, {@code
 * connecting} the moment a connection ends or an attempt fails, with the reason and its fix as the
 * last error (what {@code enginex-agent status} shows).
 */
final class StatusUpdates implements ConnectionListener {
    private final StatusBoard status;
    private final Consumer<Welcome> onConnected;

    /** @param onConnected also told of each welcome (after the board), e.g. to print it */
    StatusUpdates(StatusBoard status, Consumer<Welcome> onConnected) {
        this.status = status;
        this.onConnected = onConnected;
    }

    @Override
    public void connected(Welcome welcome) {
        status.connected();
        onConnected.accept(welcome);
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
