package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Agents' past and current connections, per tenant. */
public interface ConnectionHistoryStore {
    /** Writes a connection that just opened ({@code disconnectedAt} null). */
    void opened(ConnectionRecord connection);

    /**
     * Records how an open connection ended; a connection closed already is left as it is.
     *
     * @return true if this call closed it
     */
    boolean closed(String tenantId, String id, Instant at, Integer closeCode, String closeReason);

    /**
     * The agent's connections, newest first.
     *
     * @param before only connections with an id below this (the paging cursor), or null
     */
    List<ConnectionRecord> list(String tenantId, String agentId, String before, int limit);

    /**
     * Closes every connection {@code hubNode} left open, at {@code at} with {@code reason}: run when a
     * node starts, as a node that stopped without closing its connections holds none.
     *
     * @return how many were closed
     */
    int closeAllOf(String hubNode, Instant at, String reason);

    /**
     * The tenant's agents with an open connection to another node that was seen at or after {@code
     * liveSince}, each with that node's name: where an agent not connected to {@code node} is.
     */
    Map<String, String> openElsewhere(String tenantId, String node, Instant liveSince);

    /**
     * Deletes connections that ended before {@code endedBefore}, and per agent all but the newest
     * {@code keepPerAgent}.
     *
     * @return how many rows were deleted
     */
    int purge(Instant endedBefore, int keepPerAgent);
}
