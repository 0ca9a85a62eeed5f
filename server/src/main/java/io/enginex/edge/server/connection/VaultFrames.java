package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.VaultAck;

/**
 * What the {@link FrameRouter} does for the agents' vaults: after {@code welcome}, take the hello's
 * exchange key and send what is pending; record each {@code vault-ack}. Called on the socket's
 * reading thread.
 */
public interface VaultFrames {
    /** Nothing: a hub part that does not deliver secrets (tests of the connection alone). */
    VaultFrames NONE = new VaultFrames() {
        @Override
        public void hello(AgentConnection connection, Hello hello) {}

        @Override
        public void ready(AgentConnection connection) {}

        @Override
        public void answered(AgentConnection connection, VaultAck ack) {}
    };

    /** Before {@code welcome}: stores the hello's exchange key, so that the hub has it once the agent is welcomed. */
    void hello(AgentConnection connection, Hello hello);

    /** After {@code welcome}: sends the agent what is pending for it. */
    void ready(AgentConnection connection);

    void answered(AgentConnection connection, VaultAck ack);
}
