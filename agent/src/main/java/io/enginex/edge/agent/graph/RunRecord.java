package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run as its file records it.
 *
 * @param runId stable id ({@code run_…}), also the file name; a later upload is idempotent by it
 * @param graph the graph document the run started with (a copy, so a changed file does not change a
 *     resumed run)
 * @param steps every step, by id, in run order
 * @param status {@code running} until the run ended, then {@code succeeded}, {@code failed} or
 *     {@code interrupted}
 * @param endedAt when the run ended, or null while it has not
 * @param graphId the hub's graph id when the run is of a graph the hub assigned, else null
 * @param graphVersion that graph's version, else null
 */
public record RunRecord(
        String runId,
        String graphName,
        JsonNode graph,
        JsonNode input,
        Instant startedAt,
        Map<String, StepRecord> steps,
        String status,
        Instant endedAt,
        String graphId,
        Integer graphVersion) {
    public RunRecord {
        steps = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(steps));
    }

    public boolean ended() {
        return endedAt != null;
    }
}
