package io.enginex.edge.agent.connection;

/**
 * How a WebSocket ended.
 *
 * @param code the close code (1006 when the socket failed without a close frame; 4003 when this agent
 *     gave up on a silent hub)
 * @param reason the peer's close reason or what failed
 */
record CloseInfo(int code, String reason) {
    static final int ABNORMAL = 1006;
}
