package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * One connection of an agent to a hub node, from its answered hello to its close.
 *
 * @param remoteAddress the client's IP address: the TCP peer, or behind a trusted load balancer
 *     ({@code --trusted-proxy}) the client it named in {@code X-Forwarded-For} or the PROXY protocol; null
 *     if unknown
 * @param disconnectedAt null while the connection is open
 * @param closeCode the WebSocket close code (e.g. 1000, 1001, 4001 revoked), or null while open or
 *     when the socket dropped without a close frame
 * @param closeReason the close reason, or null
 */
public record ConnectionRecord(
        String id,
        String tenantId,
        String agentId,
        String hubNode,
        String remoteAddress,
        Instant connectedAt,
        Instant disconnectedAt,
        Integer closeCode,
        String closeReason) {
    /** The longest close reason kept; longer ones are cut. */
    public static final int MAX_REASON = 500;

    public ConnectionRecord {
        if (closeReason != null && closeReason.length() > MAX_REASON) {
            closeReason = closeReason.substring(0, MAX_REASON);
        }
    }

    public boolean open() {
        return disconnectedAt == null;
    }
}
