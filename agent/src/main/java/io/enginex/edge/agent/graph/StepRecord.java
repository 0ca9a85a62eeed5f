package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ErrorInfo;

/**
 * What a run file says about one step.
 *
 * @param id the stable id for upload: {@code RUN_ID:STEP_ID}
 * @param attempts attempts started so far
 * @param jobId the job id of the last attempt (the tool call in the graph job journal), or null
 * @param output the output when it succeeded, else null
 * @param error the last error, or null
 * @param reason why it was skipped or interrupted, or null
 * @param settledAt this device's clock when the step settled, or null while it has not
 * @param approvedBy who approved a step that needs approval, or null (not approved, or no approval
 *     needed); its attempts run as jobs approved by them
 * @param outputFile when the output was larger than {@link RunJournal#FILE_THRESHOLD}: the file beside
 *     the run that holds it ({@link RunJournal#output}), and {@code output} is null; else null
 * @param consent how the person at the machine answered before the last attempt ran a tool the
 *     policy marks {@code consentRequired} (the evidence a job's result carries: {@code user}, {@code
 *     answer}, {@code via}, {@code answeredBy}, {@code askedAt}, {@code answeredAt}, {@code shown}),
 *     or null when that attempt asked nobody
 */
public record StepRecord(
        String id,
        String step,
        StepState state,
        int attempts,
        String jobId,
        JsonNode output,
        ErrorInfo error,
        String reason,
        java.time.Instant settledAt,
        String approvedBy,
        OutputFile outputFile,
        JsonNode consent) {

    /** A record of an attempt that asked nobody's consent. */
    public StepRecord(
            String id,
            String step,
            StepState state,
            int attempts,
            String jobId,
            JsonNode output,
            ErrorInfo error,
            String reason,
            java.time.Instant settledAt,
            String approvedBy,
            OutputFile outputFile) {
        this(id, step, state, attempts, jobId, output, error, reason, settledAt, approvedBy, outputFile, null);
    }

    /** This record with the consent evidence of its last attempt ({@code null}: it asked nobody). */
    StepRecord withConsent(JsonNode answer) {
        return new StepRecord(
                id, step, state, attempts, jobId, output, error, reason, settledAt, approvedBy, outputFile, answer);
    }

    /**
     * A step output kept as a file beside the run ({@code <runId>.<step>.out}).
     *
     * @param bytes its size (UTF-8 JSON text)
     * @param sha256 its SHA-256, hex
     */
    public record OutputFile(long bytes, String sha256) {}

    static StepRecord pending(String runId, String step) {
        return new StepRecord(runId + ":" + step, step, StepState.PENDING, 0, null, null, null, null, null, null, null);
    }

    StepRecord started(int attempt, String job) {
        return new StepRecord(id, step, StepState.RUNNING, attempt, job, null, null, null, null, approvedBy, null);
    }

    StepRecord failedAttempt(ErrorInfo failure) {
        return new StepRecord(
                id, step, StepState.RUNNING, attempts, jobId, null, failure, null, null, approvedBy, null);
    }

    StepRecord settled(StepState to, JsonNode out, ErrorInfo failure, String why, java.time.Instant at) {
        return new StepRecord(id, step, to, attempts, jobId, out, failure, why, at, approvedBy, null);
    }

    /** Settled with an output kept as a file. */
    StepRecord settled(StepState to, OutputFile file, ErrorInfo failure, String why, java.time.Instant at) {
        return new StepRecord(id, step, to, attempts, jobId, null, failure, why, at, approvedBy, file);
    }

    /** Asked for approval, or denied (then {@code denial} is the error its settlement will carry). */
    StepRecord awaiting(ErrorInfo denial) {
        return new StepRecord(
                id, step, StepState.AWAITING_APPROVAL, attempts, jobId, null, denial, null, null, null, null);
    }

    /** Approved by {@code by}: ready for its first attempt. */
    StepRecord approved(String by) {
        return new StepRecord(id, step, StepState.PENDING, attempts, jobId, null, null, null, null, by, null);
    }
}
