package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Starts of graphs from the hub. Every call is tenant-scoped; {@link #claim} is what makes a start
 * sent at most once across the nodes sharing the database.
 */
public interface GraphStartStore {
    void insert(GraphStartRecord start);

    Optional<GraphStartRecord> find(String tenantId, String id);

    /** The tenant's starts, newest first, at most {@code limit}; of one agent when {@code agentId} is not null. */
    List<GraphStartRecord> list(String tenantId, String agentId, int limit);

    /** The agent's queued starts not expired at {@code now}, oldest first. */
    List<GraphStartRecord> queuedFor(String tenantId, String agentId, Instant now);

    /** Every tenant's queued starts not expired at {@code now}, oldest first, at most {@code limit}. */
    List<GraphStartRecord> queued(Instant now, int limit);

    /**
     * Marks a queued, unexpired start sent by {@code node}.
     *
     * @return true for the one caller that moved it; false when it was sent, cancelled or expired already
     */
    boolean claim(String tenantId, String id, String node, Instant now);

    /** Puts a start {@link #claim}ed but not written to its agent's socket back in the queue. */
    void requeue(String tenantId, String id);

    /** @return false when the start is not queued (sent or cancelled already) */
    boolean cancel(String tenantId, String id, String by, Instant now);

    /**
     * Deletes every tenant's starts that ended before {@code before}: sent or cancelled then, or queued
     * and expired then. A queued start that has not expired is never deleted, however old.
     *
     * @return how many rows were deleted
     */
    int purgeEnded(Instant before);
}
