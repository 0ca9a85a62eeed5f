package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A run of a graph an agent uploaded (docs/GRAPHS.md "Sync on reconnect"). Device times are the agent's
 * clock, arrival times the hub's.
 *
 * @param graphId the hub's graph when the run came from one the hub assigned, else null
 * @param standing {@code current}, {@code outdated}, {@code withdrawn}, {@code unknown} or {@code local}
 *     (see {@code GraphRunLog.standing}), as it was when the run first arrived
 * @param input the run's input as JSON text, or null
 * @param endedArrivedAt when the hub learnt that the run ended, or null
 */
public record GraphRunRecord(
        String runId,
        String tenantId,
        String agentId,
        String graphName,
        String graphId,
        Integer graphVersion,
        String standing,
        String status,
        String input,
        Instant startedAt,
        Instant endedAt,
        Instant arrivedAt,
        Instant endedArrivedAt) {}
