package io.enginex.edge.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** JSON for tests, with the product's own mapper settings. */
public final class Json {
    public static final ObjectMapper MAPPER = MessageCodec.newMapper(FrameLimits.DEFAULT);

    private Json() {}

    public static JsonNode read(Path file) {
        try {
            return MAPPER.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode parse(String text) {
        try {
            return MAPPER.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + text, e);
        }
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
