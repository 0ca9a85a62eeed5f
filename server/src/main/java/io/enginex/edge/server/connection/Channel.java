package io.enginex.edge.server.connection;

import java.io.IOException;
import java.time.Duration;

/**
 * The transport under one {@link AgentConnection}: a WebSocket as seen by the hub. Implementations
 * need not be thread-safe for {@link #sendText}; {@link AgentConnection} serialises sends.
 */
public interface Channel {
    /**
     * Sends one text frame and waits until it is written (or {@code timeout} passes).
     *
     * @throws IOException if the frame could not be written in time or the socket is gone
     */
    void sendText(String text, Duration timeout) throws IOException;

    /** Starts the close handshake; returns at once. Never throws. */
    void close(int code, String reason);

    /** Drops the socket without a handshake (the peer is not answering). Never throws. */
    void abort();

    boolean isOpen();

    /**
     * The client's address (an IP address, no port), for logs, the connection history and audit: the
     * TCP peer, unless a trusted proxy named the client ({@code --trusted-proxy}, {@code --proxy-protocol}).
     */
    String remoteAddress();
}
