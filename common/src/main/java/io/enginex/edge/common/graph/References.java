package io.enginex.edge.common.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code ${…}} references inside a step's arguments. A string that is exactly one reference
 * becomes the value it points at (any JSON: a list stays a list); a reference inside a longer string
 * is replaced by the value's text (a string as is, anything else as JSON). {@code $${} is a literal
 * {@code ${}. A reference that points at nothing fails the step: nothing is guessed.
 */
public final class References {
    private static final Pattern REF = Pattern.compile("\\$\\$\\{|\\$\\{([^}]*)}");

    private References() {}

    /**
     * Every reference in {@code args}, with its JSON pointer.
     *
     * @throws IllegalArgumentException for a malformed reference, naming where it is
     */
    static List<Found> find(JsonNode args, String pointer) {
        List<Found> found = new ArrayList<>();
        walk(args, pointer, found);
        return found;
    }

    /** A reference and where it was. */
    record Found(String pointer, Reference reference) {}

    /**
     * {@code args} with every reference replaced.
     *
     * @throws Unresolved when a reference points at nothing
     */
    public static JsonNode resolve(JsonNode args, JsonNode input, Map<String, JsonNode> outputs) {
        if (args.isTextual()) {
            return resolveText(args.textValue(), input, outputs);
        }
        if (args.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : args.properties()) {
                copy.set(field.getKey(), resolve(field.getValue(), input, outputs));
            }
            return copy;
        }
        if (args.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode();
            args.forEach(item -> copy.add(resolve(item, input, outputs)));
            return copy;
        }
        return args;
    }

    /** A reference that points at nothing when its step is about to run. */
    public static final class Unresolved extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unresolved(Reference reference) {
            super("the reference ${" + reference + "} points at nothing in the run's input or the earlier steps'"
                    + " outputs; check the path (see the outputs with enginex-agent graph runs --json)");
        }
    }

    private static JsonNode resolveText(String text, JsonNode input, Map<String, JsonNode> outputs) {
        Matcher whole = REF.matcher(text);
        if (whole.matches() && whole.group(1) != null) {
            return value(Reference.parse(whole.group(1)), input, outputs);
        }
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement;
            if (m.group(1) == null) {
                replacement = "${";
            } else {
                JsonNode value = value(Reference.parse(m.group(1)), input, outputs);
                replacement = value.isTextual() ? value.textValue() : value.toString();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return JsonNodeFactory.instance.textNode(out.toString());
    }

    private static JsonNode value(Reference reference, JsonNode input, Map<String, JsonNode> outputs) {
        JsonNode value = reference.read(input, outputs);
        if (value.isMissingNode()) {
            throw new Unresolved(reference);
        }
        return value;
    }

    private static void walk(JsonNode node, String pointer, List<Found> found) {
        if (node.isTextual()) {
            Matcher m = REF.matcher(node.textValue());
            while (m.find()) {
                if (m.group(1) != null) {
                    try {
                        found.add(new Found(pointer, Reference.parse(m.group(1))));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(pointer + ": " + e.getMessage(), e);
                    }
                }
            }
        } else if (node.isObject()) {
            node.properties().forEach(f -> walk(f.getValue(), pointer + "/" + escape(f.getKey()), found));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, found);
            }
        }
    }

    private static String escape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }
}
