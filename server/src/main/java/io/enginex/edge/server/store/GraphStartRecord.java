package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A start of a graph from the hub, kept until it is sent to its agent (or expires, or is cancelled).
 *
 * @param input the run's input, JSON object text
 * @param state {@code queued}, {@code sent} or {@code cancelled} as stored; see {@link #shownState}
 * @param sentAt when a node sent it (null until then)
 * @param sentByNode the node that sent it
 */
public record GraphStartRecord(
        String id,
        String tenantId,
        String graphId,
        String graphName,
        int graphVersion,
        String agentId,
        String input,
        String startedBy,
        Instant createdAt,
        Instant expiresAt,
        String state,
        Instant sentAt,
        String sentByNode,
        Instant cancelledAt,
        String cancelledBy) {
    public static final String QUEUED = "queued";
    public static final String SENT = "sent";
    public static final String CANCELLED = "cancelled";
    /** Shown, never stored: a queued start past its expiry, which is never sent. */
    public static final String EXPIRED = "expired";

    /** The state as people see it at {@code now}: a queued start past {@link #expiresAt} is {@code expired}. */
    public String shownState(Instant now) {
        return state.equals(QUEUED) && !now.isBefore(expiresAt) ? EXPIRED : state;
    }
}
