package io.enginex.edge.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads the agent's job journal ({@code <state-dir>/journal.jsonl}) from the outside: the agent
 * writes a {@code begin} line, forced to disk, before every tool run, so the number of begin lines of
 * a job id is the number of times the agent ran it.
 */
public final class AgentJournal {
    private AgentJournal() {}

    public static Map<String, Integer> runsPerJob(Path stateDir) {
        Map<String, Integer> runs = new TreeMap<>();
        try {
            for (String line : Files.readAllLines(stateDir.resolve("journal.jsonl"))) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode entry = Json.parse(line);
                if ("begin".equals(entry.path("op").asText())) {
                    runs.merge(entry.path("jobId").asText(), 1, Integer::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return runs;
    }
}
