package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;

/**
 * What the connection layer tells the dispatch layer. Called on the thread that read the frame, in
 * frame order for one connection; implementations may block briefly (database writes).
 */
public interface AgentListener {
    /** The agent's hello was answered and its connection is active: time to (re)send its jobs. */
    void onReady(AgentConnection connection);

    void onAck(AgentConnection connection, Ack ack);

    void onProgress(AgentConnection connection, Progress progress);

    void onResult(AgentConnection connection, Result result);

    /**
     * The database failed while a frame of {@code connection} was handled (it was answered with an
     * {@code unavailable} error): whatever that frame left undone must be made good once the database
     * answers again.
     */
    void onUnavailable(AgentConnection connection);
}
