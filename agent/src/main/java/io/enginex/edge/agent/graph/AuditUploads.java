package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.GraphRuns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The upload of the audit lines of graph steps' tool calls ({@code audit.jsonl} and its rotated files in
 * the state folder; lines whose {@code jobId} is {@code RUN_ID:STEP_ID:ATTEMPT}), for {@link GraphSync}:
 * oldest first, each once, by the line's hash in the audit chain (its id on the hub). The hash of the
 * last line the hub acknowledged is recorded in {@code audit-synced.jsonl} (append-only, forced), and the
 * next upload starts after it; when that line was rotated away, from the oldest line kept (the hub's
 * idempotence makes the repeats harmless). Not thread-safe on its own: {@link GraphSync} calls it under
 * its lock.
 */
final class AuditUploads {
    private static final Pattern GRAPH_JOB = Pattern.compile("run_[0-9a-f]{1,64}:[^:]{1,64}:[0-9]{1,9}");
    private static final int ROTATED_KEPT = 9;

    private final Path audit;
    private final Path file;
    private final ObjectMapper mapper;
    private String upTo;

    /**
     * @param audit the agent's {@code audit.jsonl}
     * @param file the record of what the hub has, e.g. {@code <state-dir>/graphs/audit-synced.jsonl}
     */
    AuditUploads(Path audit, Path file, ObjectMapper mapper) {
        this.audit = audit;
        this.file = file;
        this.mapper = mapper;
        this.upTo = load();
    }

    /** Up to {@code max} records after the last one the hub acknowledged, oldest first. */
    List<GraphRuns.AuditRecord> next(int max) {
        List<String> lines = new ArrayList<>();
        try {
            for (int i = ROTATED_KEPT; i >= 1; i--) {
                lines.addAll(lines(audit.resolveSibling(audit.getFileName() + "." + i)));
            }
            lines.addAll(lines(audit));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the audit log " + audit + ": " + e.getMessage(), e);
        }
        int from = 0;
        if (upTo != null) {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).contains("\"hash\":\"" + upTo + "\"")) {
                    from = i + 1;
                    break;
                }
            }
        }
        List<GraphRuns.AuditRecord> out = new ArrayList<>();
        for (String text : lines.subList(from, lines.size())) {
            if (out.size() == max) {
                break;
            }
            if (!text.contains("\"jobId\":\"run_")) {
                continue; // cheap test first: most lines are not graph steps'
            }
            try {
                JsonNode line = mapper.readTree(text);
                String jobId = line.path("jobId").asText();
                if (!GRAPH_JOB.matcher(jobId).matches() || !line.path("hash").isTextual() || !line.has("tool")) {
                    continue;
                }
                out.add(new GraphRuns.AuditRecord(
                        line.path("hash").asText(),
                        Instant.parse(line.path("at").asText()),
                        jobId,
                        line.path("tool").asText(),
                        line.path("attempt").asInt(1),
                        line.path("outcome").asText("ok"),
                        line.path("code").asText(null),
                        line.path("message").asText(null)));
            } catch (IOException | RuntimeException e) {
                // a line cut off by a crash, or edited: not uploaded (audit verify names it)
            }
        }
        return out;
    }

    /** The hub has every record up to and including the one with id {@code last}. */
    void acked(String last) {
        try {
            byte[] line = (mapper.writeValueAsString(mapper.createObjectNode().put("upTo", last)) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            DurableAppend.to(file, line);
        } catch (IOException e) {
            // not recorded: the hub has them, and sending them again changes nothing there
            throw new UncheckedIOException("cannot record the audit records the hub has in " + file, e);
        } finally {
            upTo = last;
        }
    }

    private String load() {
        try {
            List<String> lines = lines(file);
            return lines.isEmpty()
                    ? null
                    : mapper.readTree(lines.getLast()).path("upTo").asText(null);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The complete lines of {@code path}; none when it does not exist. */
    private static List<String> lines(Path path) throws IOException {
        return Files.exists(path) ? DurableAppend.completeLines(path) : List.of();
    }
}
