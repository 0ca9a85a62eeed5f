package io.enginex.edge.server.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** JSON text as a tree, for building values in tests. */
public final class JsonNodes {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonNodes() {}

    /** {@code json} parsed; fails the test on malformed text. */
    public static JsonNode parse(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not JSON: " + json, e);
        }
    }
}
