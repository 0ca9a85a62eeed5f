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
 * @param outputFile the output is a file the agent uploads after the record ({@code outputBytes} and
 *     {@code outputSha256} describe it; see {@link GraphOutputStore})
 * @param outputReceived bytes of that file the hub has so far (0 when none, or not a file)
 * @param outputComplete the hub has the whole file and its SHA-256 matched
 * @param consentJson how the person at the machine answered before the step's last attempt ran a tool
 *     the policy marks {@code consentRequired}, as JSON text (the fields a job's {@code consent} has), or
 *     null
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
        Instant arrivedAt,
        boolean outputFile,
        long outputReceived,
        boolean outputComplete,
        String consentJson) {}
