package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * A JSON object request body with typed accessors whose errors name the field at fault ({@code
 * "ttlSeconds must be a whole number; got \"soon\""}).
 */
final class JsonBody {
    private final ObjectNode node;

    private JsonBody(ObjectNode node) {
        this.node = node;
    }

    /**
     * Reads the request body as a JSON object; an empty body is an empty object.
     *
     * @throws HubException.BadRequest if it is not JSON or not an object
     */
    static JsonBody read(Context ctx, ObjectMapper mapper) {
        String body = ctx.body();
        if (body.isBlank()) {
            return new JsonBody(mapper.createObjectNode());
        }
        JsonNode tree;
        try {
            tree = mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new HubException.BadRequest("the request body is not valid JSON: " + e.getOriginalMessage()
                    + " (line " + e.getLocation().getLineNr() + ", column "
                    + e.getLocation().getColumnNr() + ")");
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new HubException.BadRequest("the request body must be a JSON object like {\"…\": …}");
        }
        return new JsonBody(object);
    }

    /** A string field, or {@code fallback} if absent or null. */
    String text(String field, String fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isTextual()) {
            throw wrongType(field, "a string", v);
        }
        return v.textValue();
    }

    /** A required, non-blank string field. */
    String requiredText(String field) {
        String v = text(field, null);
        if (v == null || v.isBlank()) {
            throw new HubException.BadRequest(field + " is required");
        }
        return v;
    }

    /** A whole-number field, or {@code fallback} if absent or null. */
    long integer(String field, long fallback) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw wrongType(field, "a whole number", v);
        }
        return v.longValue();
    }

    /** An array of strings, or an empty list if absent or null. */
    List<String> textList(String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return List.of();
        }
        if (!v.isArray()) {
            throw wrongType(field, "an array of strings", v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : v) {
            if (!item.isTextual()) {
                throw wrongType(field, "an array of strings", v);
            }
            out.add(item.textValue());
        }
        return out;
    }

    /** Any JSON value, or null if absent. */
    JsonNode raw(String field) {
        return node.get(field);
    }

    private static HubException.BadRequest wrongType(String field, String expected, JsonNode got) {
        String shown = got.toString();
        if (shown.length() > 60) {
            shown = shown.substring(0, 60) + "…";
        }
        return new HubException.BadRequest(field + " must be " + expected + "; got " + shown);
    }
}
