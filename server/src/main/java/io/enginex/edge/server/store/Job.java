package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * One tool call on one agent. {@code argsJson} and {@code outputJson} hold JSON text; {@code
 * errorCode}/{@code errorMessage} are set for failed, timed-out and cancelled jobs. {@code attempt}
 * counts deliveries to the agent.
 */
public record Job(
        String id,
        String tenantId,
        String sessionId,
        String agentId,
        String tool,
        String argsJson,
        JobState state,
        int attempt,
        Instant createdAt,
        Instant deadline,
        Instant dispatchedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant lastProgressAt,
        String outputJson,
        String errorCode,
        String errorMessage,
        boolean replayed) {}
