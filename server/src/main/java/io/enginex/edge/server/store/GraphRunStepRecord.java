package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A settled step of an uploaded graph run.
 *
 * @param id {@code RUN_ID:STEP_ID}
 * @param output the output as JSON text, or null (none, or truncated)
 * @param outputPreview the first characters of a truncated output, or null
 * @param settledAt the agent's clock when the step settled
 * @param arrivedAt the hub's clock when the record arrived
 */
public record GraphRunStepRecord(
        String id,
        String runId,
        String tenantId,
        String step,
        String state,
        int attempts,
        String errorCode,
        String errorMessage,
        String reason,
        String output,
        boolean outputTruncated,
        String outputPreview,
        Long outputBytes,
        String outputSha256,
        Instant settledAt,
        Instant arrivedAt) {}
