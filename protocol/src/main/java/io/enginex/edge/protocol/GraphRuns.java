package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Agent → hub: runs of graphs the agent made (offline or not) that the hub has not acknowledged yet
 * (added in protocol 1.0 without a version change; docs/GRAPHS.md "Sync"). Sent after {@code welcome}
 * and when a run settles while connected, oldest run first, one frame at a time (the next after the
 * {@code graphRunsAck} of the last). The hub stores each run once by its id and each step record once
 * by its id, takes the tenant and agent from the connection (never from the frame) and answers {@link
 * GraphRunsAck}.
 *
 * <pre>{@code
 * {"type":"graphRuns","id":"a-9","runs":[{"runId":"run_…","graph":"nightly","graphId":"gph_…","graphVersion":2,
 *  "status":"succeeded","startedAt":"…","endedAt":"…","input":{},"steps":[{"id":"run_…:list","step":"list",
 *  "state":"succeeded","attempts":1,"output":{…},"settledAt":"…"}]}]}
 * }</pre>
 *
 * @param runs at most {@link #MAX_RUNS}, with at most {@link #MAX_STEPS} step records in all
 * @param audit the lines of the agent's {@code audit.jsonl} about graph steps' tool calls that the hub
 *     has not acknowledged, oldest first, at most {@link #MAX_AUDIT}; empty from older agents
 */
public record GraphRuns(
        String id,
        List<Run> runs,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<AuditRecord> audit)
        implements Message {
    public static final String TYPE = "graphRuns";

    /** The most audit records in one frame. */
    public static final int MAX_AUDIT = 200;

    /** A frame without audit records. */
    public GraphRuns(String id, List<Run> runs) {
        this(id, runs, List.of());
    }

    /** The most runs in one frame. */
    public static final int MAX_RUNS = 50;

    /** The most step records in one frame. */
    public static final int MAX_STEPS = 200;

    /**
     * The most characters of one step's output (as JSON text) sent as it is; a larger output is sent as
     * {@code outputTruncated} with its size, its SHA-256 and its first {@link #PREVIEW_CHARS} characters.
     */
    public static final int MAX_OUTPUT_CHARS = 64 * 1024;

    /** The characters of a truncated output that are sent, as {@code outputPreview}. */
    public static final int PREVIEW_CHARS = 1024;

    public GraphRuns {
        Messages.requireText(id, "id");
        runs = List.copyOf(Objects.requireNonNullElse(runs, List.of()));
        audit = List.copyOf(Objects.requireNonNullElse(audit, List.of()));
        if (audit.size() > MAX_AUDIT) {
            throw new IllegalArgumentException(
                    "at most " + MAX_AUDIT + " audit records in one graphRuns frame, got " + audit.size());
        }
        if (runs.size() > MAX_RUNS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_RUNS + " runs in one graphRuns frame, got " + runs.size());
        }
        int steps = runs.stream().mapToInt(r -> r.steps().size()).sum();
        if (steps > MAX_STEPS) {
            throw new IllegalArgumentException(
                    "at most " + MAX_STEPS + " step records in one graphRuns frame, got " + steps);
        }
    }

    /**
     * One run as the agent's run file says now.
     *
     * @param runId {@code run_} + hex
     * @param graph the graph's name
     * @param graphId the hub's graph id when the run came from a graph the hub assigned, else null
     * @param graphVersion that graph's version, else null
     * @param status {@code running} (not ended yet), {@code succeeded}, {@code failed} or {@code interrupted}
     * @param startedAt the device's clock when the run started
     * @param endedAt the device's clock when it ended, or null
     * @param input the run's input (an object), or null when it is larger than {@link #MAX_OUTPUT_CHARS}
     * @param steps the settled step records not acknowledged yet, in run order
     */
    public record Run(
            String runId,
            String graph,
            String graphId,
            Integer graphVersion,
            String status,
            Instant startedAt,
            Instant endedAt,
            JsonNode input,
            List<Step> steps) {
        public Run {
            Messages.requireText(runId, "runId");
            if (!runId.matches("run_[0-9a-f]{1,64}")) {
                throw new IllegalArgumentException("runId must be run_ and hex, got " + Protocol.quote(runId));
            }
            Messages.requireText(graph, "graph");
            Messages.requireText(status, "status");
            Objects.requireNonNull(startedAt, "startedAt");
            steps = List.copyOf(Objects.requireNonNullElse(steps, List.of()));
            for (Step s : steps) {
                if (!s.id().equals(runId + ":" + s.step())) {
                    throw new IllegalArgumentException(
                            "a step record's id is RUN_ID:STEP_ID, got " + Protocol.quote(s.id()) + " in run " + runId);
                }
            }
        }

        /** Whether the run ended (its status is final). */
        public boolean ended() {
            return endedAt != null;
        }
    }

    /**
     * One settled step.
     *
     * @param id {@code RUN_ID:STEP_ID}
     * @param state {@code succeeded}, {@code failed}, {@code skipped} or {@code interrupted}
     * @param attempts attempts started
     * @param error the last error, or null
     * @param reason why it was skipped or interrupted, or null
     * @param output the output, or null (none, or truncated)
     * @param outputTruncated the output was larger than {@link #MAX_OUTPUT_CHARS}: {@code output} is null
     *     and {@code outputPreview} holds its first characters
     * @param outputBytes the output's size as UTF-8 JSON text, or null when there is none
     * @param outputSha256 the SHA-256 (hex) of that text, or null
     * @param settledAt the device's clock when the step settled
     * @param outputFile true when the output (larger than {@link #MAX_OUTPUT_CHARS} as UTF-8 JSON text) is
     *     kept as a file on the machine and follows as {@link GraphOutputChunk} frames after the step
     *     record was acknowledged: {@code output} is null, {@code outputBytes} and {@code outputSha256}
     *     describe the file; null otherwise (agents before files never send it)
     * @param consent how the person at the machine answered before the step's last attempt ran a tool
     *     the policy marks {@code consentRequired} (the object a job's {@link Result#consent} carries:
     *     {@code user}, {@code answer}, {@code via}, {@code answeredBy}, {@code askedAt}, {@code
     *     answeredAt}, {@code shown}, {@code request}, {@code tool}); null for other steps and from older
     *     agents (added without a version change)
     */
    public record Step(
            String id,
            String step,
            String state,
            int attempts,
            ErrorInfo error,
            String reason,
            JsonNode output,
            boolean outputTruncated,
            String outputPreview,
            Long outputBytes,
            String outputSha256,
            Instant settledAt,
            Boolean outputFile,
            JsonNode consent) {
        public Step {
            Messages.requireText(id, "id");
            Messages.requireText(step, "step");
            Messages.requireText(state, "state");
            if (outputPreview != null && outputPreview.length() > PREVIEW_CHARS) {
                throw new IllegalArgumentException("outputPreview is at most " + PREVIEW_CHARS + " characters");
            }
            if (Boolean.TRUE.equals(outputFile) && (outputBytes == null || outputSha256 == null || output != null)) {
                throw new IllegalArgumentException(
                        "a step whose output is a file carries outputBytes and outputSha256, and no output");
            }
            if (Boolean.FALSE.equals(outputFile)) {
                outputFile = null;
            }
            if (consent != null && !consent.isObject()) {
                consent = null;
            }
        }

        /** This step with the consent evidence of its last attempt (null: none). */
        public Step withConsent(JsonNode answer) {
            return new Step(
                    id,
                    step,
                    state,
                    attempts,
                    error,
                    reason,
                    output,
                    outputTruncated,
                    outputPreview,
                    outputBytes,
                    outputSha256,
                    settledAt,
                    outputFile,
                    answer);
        }

        /** Whether the output follows as a file. */
        public boolean hasOutputFile() {
            return Boolean.TRUE.equals(outputFile);
        }
    }

    /**
     * One line of the agent's {@code audit.jsonl} about a tool call of a graph step: stored by the hub
     * once by its id, as an audit event with the device's time and the hub's.
     *
     * @param id the line's hash in the agent's audit chain (64 hex digits), unique per line
     * @param at the device's clock when the line was written
     * @param jobId {@code RUN_ID:STEP_ID:ATTEMPT}
     * @param outcome {@code ok}, {@code failed} or {@code refused}
     * @param code the error code when not ok, else null
     * @param message the error message when not ok, else null
     */
    public record AuditRecord(
            String id,
            Instant at,
            String jobId,
            String tool,
            int attempt,
            String outcome,
            String code,
            String message) {
        public AuditRecord {
            Messages.requireText(id, "id");
            if (!id.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("an audit record's id is 64 hex digits, got " + Protocol.quote(id));
            }
            Objects.requireNonNull(at, "at");
            Messages.requireText(jobId, "jobId");
            if (!jobId.matches("run_[0-9a-f]{1,64}:[^:]{1,64}:[0-9]{1,9}")) {
                throw new IllegalArgumentException(
                        "an audit record's jobId is RUN_ID:STEP_ID:ATTEMPT, got " + Protocol.quote(jobId));
            }
            Messages.requireText(tool, "tool");
            Messages.requireText(outcome, "outcome");
        }

        /** {@code RUN_ID:STEP_ID}, the step record's id. */
        public String stepId() {
            return jobId.substring(0, jobId.lastIndexOf(':'));
        }
    }
}
