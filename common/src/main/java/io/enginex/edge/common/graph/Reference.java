package io.enginex.edge.common.graph;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A path into what a step may read: {@code input[.a.b…]} (the run's input) or {@code
 * steps.ID.output[.a.0.b…]} (an earlier step's output). Segments are names or array indexes; nothing
 * else (no calls, no wildcards), so a reference can only read.
 *
 * @param step the step whose output is read, or empty for the input
 * @param path the segments below {@code input} or {@code steps.ID.output}
 */
public record Reference(Optional<String> step, List<String> path) {
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_-]+");

    public Reference {
        path = List.copyOf(path);
    }

    /**
     * Parses {@code text} such as {@code steps.list.output.entries}.
     *
     * @throws IllegalArgumentException naming what is wrong and the two forms allowed
     */
    public static Reference parse(String text) {
        String[] parts = text.trim().split("\\.", -1);
        for (String part : parts) {
            if (!SEGMENT.matcher(part).matches()) {
                throw bad(text, "\"" + part + "\" is not a name or an index");
            }
        }
        if (parts[0].equals("input")) {
            return new Reference(Optional.empty(), List.of(parts).subList(1, parts.length));
        }
        if (parts[0].equals("steps") && parts.length >= 3 && parts[2].equals("output")) {
            return new Reference(Optional.of(parts[1]), List.of(parts).subList(3, parts.length));
        }
        throw bad(text, "it must start with input or steps.ID.output");
    }

    private static IllegalArgumentException bad(String text, String why) {
        return new IllegalArgumentException("bad reference \"" + text + "\": " + why
                + "; write input.NAME… or steps.ID.output.NAME… (names and array indexes joined by dots)");
    }

    /** The value this reference points at in {@code input} and {@code outputs}, or a missing node. */
    public JsonNode read(JsonNode input, Map<String, JsonNode> outputs) {
        JsonNode node = step.map(id -> outputs.getOrDefault(id, MissingNode.getInstance()))
                .orElse(input);
        for (String segment : path) {
            if (node == null) {
                return MissingNode.getInstance();
            }
            node = node.isArray() && segment.chars().allMatch(Character::isDigit)
                    ? node.path(Integer.parseInt(segment))
                    : node.path(segment);
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    @Override
    public String toString() {
        StringBuilder text =
                new StringBuilder(step.map(id -> "steps." + id + ".output").orElse("input"));
        path.forEach(p -> text.append('.').append(p));
        return text.toString();
    }
}
