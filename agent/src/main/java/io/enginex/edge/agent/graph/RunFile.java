package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.ErrorInfo;
import java.io.IOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Folds a run file's lines into a {@link RunRecord}. */
final class RunFile {
    private RunFile() {}

    static RunRecord parse(List<String> lines, ObjectMapper mapper) throws IOException {
        JsonNode head = mapper.readTree(lines.get(0));
        if (!"run".equals(head.path("op").asText())) {
            throw new IOException("the first line is not a run line");
        }
        String runId = head.get("runId").asText();
        Map<String, StepRecord> steps = new LinkedHashMap<>();
        head.path("steps").forEach(s -> steps.put(s.asText(), StepRecord.pending(runId, s.asText())));
        String status = "running";
        Instant endedAt = null;
        for (String text : lines.subList(1, lines.size())) {
            JsonNode line = mapper.readTree(text);
            String step = line.path("step").asText();
            StepRecord now = steps.get(step);
            switch (line.path("op").asText()) {
                case "attempt" ->
                    steps.put(
                            step,
                            now.started(
                                    line.get("attempt").asInt(),
                                    line.get("jobId").asText()));
                case "attemptFailed" ->
                    steps.put(step, now.failedAttempt(error(line, mapper)).withConsent(consent(line)));
                case "approval" ->
                    steps.put(
                            step,
                            switch (line.path("decision").asText()) {
                                case "approved" -> now.approved(line.path("by").asText());
                                case "denied" -> now.awaiting(StepApprovals.denial(line));
                                default -> now.awaiting(null);
                            });
                case "step" -> {
                    StepState state =
                            StepState.valueOf(line.get("state").asText().toUpperCase(java.util.Locale.ROOT));
                    String reason =
                            line.path("reason").isTextual() ? line.get("reason").asText() : null;
                    Instant at = Instant.parse(line.get("at").asText());
                    JsonNode file = line.get("outputFile");
                    steps.put(
                            step,
                            (file == null
                                            ? now.settled(state, line.get("output"), error(line, mapper), reason, at)
                                            : now.settled(
                                                    state,
                                                    new StepRecord.OutputFile(
                                                            file.path("bytes").asLong(),
                                                            file.path("sha256").asText()),
                                                    error(line, mapper),
                                                    reason,
                                                    at))
                                    .withConsent(consent(line)));
                }
                case "end" -> {
                    status = line.get("status").asText();
                    endedAt = Instant.parse(line.get("at").asText());
                }
                default -> {
                    // a line of a later version: ignored, so old agents can read new files
                }
            }
        }
        return new RunRecord(
                runId,
                head.path("graph").asText(),
                head.get("document"),
                head.get("input"),
                Instant.parse(head.get("at").asText()),
                steps,
                status,
                endedAt,
                head.path("hubGraph").path("id").isTextual()
                        ? head.path("hubGraph").path("id").asText()
                        : null,
                head.path("hubGraph").path("version").isInt()
                        ? head.path("hubGraph").path("version").asInt()
                        : null);
    }

    /** The person's answer a line carries ({@code consent}, an object), or null. */
    private static JsonNode consent(JsonNode line) {
        JsonNode consent = line.get("consent");
        return consent != null && consent.isObject() ? consent : null;
    }

    private static ErrorInfo error(JsonNode line, ObjectMapper mapper) throws IOException {
        return line.hasNonNull("error") ? mapper.treeToValue(line.get("error"), ErrorInfo.class) : null;
    }
}
