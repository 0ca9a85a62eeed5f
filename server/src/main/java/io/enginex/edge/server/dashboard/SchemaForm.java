package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.server.HubException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A "run tool" form made from a tool's input JSON Schema, and the arguments object made from the
 * submitted form. Each top-level property becomes one field: strings a text input (a select for an
 * {@code enum}), integers and numbers a number input, booleans a checkbox, arrays of strings a
 * textarea with one item per line, anything else a textarea for JSON. Required properties are marked
 * and checked. Form fields are named {@code arg.<property>}. Stateless.
 */
public final class SchemaForm {
    static final String PREFIX = "arg.";

    private SchemaForm() {}

    /** How a property is entered. */
    public enum Kind {
        TEXT,
        ENUM,
        INTEGER,
        NUMBER,
        BOOLEAN,
        LINES,
        JSON
    }

    /** One form field. {@code options} are the enum's values; {@code defaultValue} is shown pre-filled. */
    public record Field(
            String name, Kind kind, boolean required, String description, List<String> options, String defaultValue) {
        /** The form field's name. */
        public String param() {
            return PREFIX + name;
        }

        /** The HTML id of the input. */
        public String inputId() {
            return "arg-" + name.replaceAll("[^A-Za-z0-9_-]", "_");
        }

        public boolean checkedByDefault() {
            return "true".equals(defaultValue);
        }
    }

    /** The fields of {@code schema}, required ones first, each group in the schema's order. */
    public static List<Field> fields(JsonNode schema) {
        Set<String> required = required(schema);
        List<Field> first = new ArrayList<>();
        List<Field> rest = new ArrayList<>();
        schema.path("properties").properties().forEach(e -> {
            JsonNode p = e.getValue();
            boolean isRequired = required.contains(e.getKey());
            List<String> options = new ArrayList<>();
            p.path("enum").forEach(v -> options.add(v.asText()));
            JsonNode def = p.get("default");
            String defaultValue = def == null ? null : def.isValueNode() ? def.asText() : def.toString();
            var field = new Field(
                    e.getKey(), kind(p), isRequired, p.path("description").asText(""), options, defaultValue);
            (isRequired ? first : rest).add(field);
        });
        first.addAll(rest);
        return List.copyOf(first);
    }

    /**
     * The arguments object from a submitted form. Empty optional fields are left out; an unchecked
     * optional checkbox too.
     *
     * @throws HubException.BadRequest naming the field that is missing or not of its type
     */
    public static ObjectNode args(JsonNode schema, Map<String, List<String>> form, ObjectMapper mapper) {
        ObjectNode args = mapper.createObjectNode();
        for (Field f : fields(schema)) {
            List<String> values = form.get(f.param());
            String raw = values == null || values.isEmpty() ? "" : values.getFirst();
            if (f.kind() == Kind.BOOLEAN) {
                boolean checked = "true".equals(raw) || "on".equals(raw);
                if (checked || f.required()) {
                    args.put(f.name(), checked);
                }
                continue;
            }
            String value = f.kind() == Kind.JSON || f.kind() == Kind.LINES ? raw : raw.strip();
            if (value.isBlank()) {
                if (f.required()) {
                    throw new HubException.BadRequest(f.name() + " is required; fill it in");
                }
                continue;
            }
            switch (f.kind()) {
                case TEXT -> args.put(f.name(), value);
                case ENUM -> {
                    if (!f.options().contains(value)) {
                        throw new HubException.BadRequest(
                                f.name() + " must be one of " + String.join(", ", f.options()) + "; got " + value);
                    }
                    args.put(f.name(), value);
                }
                case INTEGER -> {
                    try {
                        args.put(f.name(), Long.parseLong(value));
                    } catch (NumberFormatException e) {
                        throw new HubException.BadRequest(f.name() + " must be a whole number; got " + value);
                    }
                }
                case NUMBER -> {
                    try {
                        args.put(f.name(), Double.parseDouble(value));
                    } catch (NumberFormatException e) {
                        throw new HubException.BadRequest(f.name() + " must be a number; got " + value);
                    }
                }
                case LINES -> {
                    ArrayNode items = args.putArray(f.name());
                    value.lines().map(String::strip).filter(l -> !l.isEmpty()).forEach(items::add);
                }
                case JSON -> {
                    try {
                        args.set(f.name(), mapper.readTree(value));
                    } catch (JsonProcessingException e) {
                        throw new HubException.BadRequest(f.name()
                                + " must be JSON, e.g. {\"key\": \"value\"} or [1, 2]; " + e.getOriginalMessage());
                    }
                }
                case BOOLEAN -> throw new IllegalStateException("handled above");
            }
        }
        return args;
    }

    private static Kind kind(JsonNode p) {
        if (p.has("enum") && p.path("enum").isArray()) {
            return Kind.ENUM;
        }
        String type = p.path("type").isTextual() ? p.path("type").asText() : "";
        return switch (type) {
            case "string" -> Kind.TEXT;
            case "integer" -> Kind.INTEGER;
            case "number" -> Kind.NUMBER;
            case "boolean" -> Kind.BOOLEAN;
            case "array" -> "string".equals(p.path("items").path("type").asText()) ? Kind.LINES : Kind.JSON;
            default -> Kind.JSON;
        };
    }

    private static Set<String> required(JsonNode schema) {
        Set<String> names = new HashSet<>();
        schema.path("required").forEach(n -> names.add(n.asText()));
        return names;
    }
}
