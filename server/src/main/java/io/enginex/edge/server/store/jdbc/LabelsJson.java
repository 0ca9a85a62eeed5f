package io.enginex.edge.server.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/** Label lists are stored as a JSON array of strings in a TEXT column, the same on H2 and PostgreSQL. */
final class LabelsJson {
    // ObjectMapper is thread-safe once configured, and this one is never reconfigured.
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final TypeReference<List<String>> LIST = new TypeReference<>() {};

    private LabelsJson() {}

    static String write(List<String> labels) {
        try {
            return MAPPER.writeValueAsString(labels == null ? List.of() : labels);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write labels as JSON: " + e.getOriginalMessage(), e);
        }
    }

    static List<String> read(String json) {
        if (json == null || json.isBlank()) {
            return List.of();
        }
        try {
            return List.copyOf(MAPPER.readValue(json, LIST));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(
                    "stored labels are not a JSON array of strings: " + e.getOriginalMessage(), e);
        }
    }
}
