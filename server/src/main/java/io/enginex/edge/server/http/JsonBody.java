package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import io.javalin.http.Context;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
     * Reads the request body as a JSON object; an empty body is an empty object. A body must say
     * {@code Content-Type: application/json} (charset, if given, UTF-8), be strict UTF-8, and stay
     * within the read constraints of {@code mapper} (see {@link BodyLimits#applyTo}).
     *
     * @throws HubException.UnsupportedMediaType for a body of another or no media type
     * @throws HubException.BadRequest if it is not UTF-8, not JSON, not an object, or exceeds a limit
     */
    static JsonBody read(Context ctx, ObjectMapper mapper) {
        byte[] bytes = ctx.bodyAsBytes();
        if (bytes.length == 0) {
            return new JsonBody(mapper.createObjectNode());
        }
        requireJsonType(ctx.header("Content-Type"));
        String body = strictUtf8(bytes);
        if (body.isBlank()) {
            return new JsonBody(mapper.createObjectNode());
        }
        JsonNode tree;
        try {
            tree = mapper.readerFor(JsonNode.class)
                    .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                    .readValue(body);
        } catch (StreamConstraintsException e) {
            throw new HubException.BadRequest(
                    "body_limit_exceeded",
                    "the request body exceeds the hub's "
                            + BodyLimits.describe(mapper.getFactory().streamReadConstraints(), e.getMessage())
                            + "; send a smaller or flatter body");
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " (line " + at.getLineNr() + ", column " + at.getColumnNr() + ")";
            throw new HubException.BadRequest("the request body is not valid JSON: " + e.getOriginalMessage() + where);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new HubException.BadRequest("the request body must be a JSON object like {\"…\": …}");
        }
        return new JsonBody(object);
    }

    private static void requireJsonType(String contentType) {
        String type = contentType == null ? "" : contentType.strip().toLowerCase(Locale.ROOT);
        String[] parts = type.split(";");
        boolean json = parts[0].strip().equals("application/json");
        for (int i = 1; json && i < parts.length; i++) {
            String param = parts[i].strip();
            if (param.startsWith("charset=")) {
                String charset = param.substring("charset=".length()).replace("\"", "");
                json = charset.equals("utf-8") || charset.equals("utf8");
            }
        }
        if (!json) {
            throw new HubException.UnsupportedMediaType("this endpoint reads Content-Type: application/json"
                    + " (UTF-8); the request said "
                    + (contentType == null ? "no Content-Type" : "\"" + shorten(contentType) + "\"")
                    + "; send the body as JSON with that header");
        }
    }

    private static String strictUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            return decoder.decode(in).toString();
        } catch (CharacterCodingException e) {
            throw new HubException.BadRequest(
                    "invalid_utf8",
                    "the request body is not valid UTF-8 (bad byte near offset " + in.position()
                            + "); encode the JSON as UTF-8");
        }
    }

    private static String shorten(String s) {
        return s.length() > 60 ? s.substring(0, 60) + "…" : s;
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

    /** The whole body, for an endpoint whose body is one document. */
    JsonNode document() {
        return node;
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
