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
 */
public record GraphRuns(String id, List<Run> runs) implements Message {
    public static final String TYPE = "graphRuns";

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
            Instant settledAt) {
        public Step {
            Messages.requireText(id, "id");
            Messages.requireText(step, "step");
            Messages.requireText(state, "state");
            if (outputPreview != null && outputPreview.length() > PREVIEW_CHARS) {
                throw new IllegalArgumentException("outputPreview is at most " + PREVIEW_CHARS + " characters");
            }
        }
    }
}
