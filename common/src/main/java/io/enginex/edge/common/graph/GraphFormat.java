package io.enginex.edge.common.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads a graph: JSON syntax, then the JSON Schema ({@code graph.schema.json} on the class path),
 * then the rules a schema cannot say ({@link GraphChecks}). Every problem names the line and the JSON
 * pointer.
 *
 * <p>Immutable and thread-safe once built.
 */
public final class GraphFormat {
    /** The schema's resource name. */
    public static final String SCHEMA_RESOURCE = "/graph.schema.json";

    private static final int MAX_PROBLEMS = 20;

    private final ObjectMapper mapper;

    public GraphFormat(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /**
     * The compiled schema, made at the first graph read (holder idiom; the schema is immutable and
     * thread-safe): an agent with no graph to read never loads the validator and Jackson 3 under it,
     * about 700 classes (docs/BENCHMARKS.md).
     */
    private static final class Compiled {
        static final Schema SCHEMA = compile();

        private static Schema compile() {
            try (InputStream in = GraphFormat.class.getResourceAsStream(SCHEMA_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException(
                            "the graph schema " + SCHEMA_RESOURCE + " is missing from the agent");
                }
                String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                        .getSchema(text, InputFormat.JSON);
                schema.initializeValidators();
                return schema;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /**
     * Reads the graph in {@code file}.
     *
     * @throws GraphException listing every problem
     * @throws UncheckedIOException when the file cannot be read
     */
    public Graph read(Path file) {
        try {
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the graph " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a graph from {@code text}.
     *
     * @param source names the text in messages (a file name)
     * @throws GraphException listing every problem
     */
    public Graph parse(String text, String source) {
        JsonNode tree;
        try {
            tree = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            var at = e.getLocation();
            throw new GraphException(
                    source,
                    List.of(source + ":" + (at == null ? 1 : at.getLineNr()) + ": not JSON: "
                            + e.getOriginalMessage()));
        }
        if (tree == null || tree.isMissingNode()) {
            throw new GraphException(source, List.of(source + ":1: the file is empty; a graph is a JSON object"));
        }
        JsonLines lines = JsonLines.of(text);
        List<String> problems = schemaProblems(tree, lines, source);
        if (!problems.isEmpty()) {
            throw new GraphException(source, problems);
        }
        List<Step> steps = new ArrayList<>();
        List<String> stepProblems = new ArrayList<>();
        for (int i = 0; i < tree.get("steps").size(); i++) {
            step(tree.get("steps").get(i), "/steps/" + i, lines, source, stepProblems)
                    .ifPresent(steps::add);
        }
        Optional<Schedule> schedule = Optional.empty();
        if (tree.has("schedule")) {
            JsonNode at = tree.get("schedule");
            try {
                schedule = Optional.of(Schedule.parse(
                        at.get("cron").asText(),
                        at.hasNonNull("timeZone") ? at.get("timeZone").asText() : null));
            } catch (IllegalArgumentException e) {
                stepProblems.add(source + ":" + lines.line("/schedule") + ": /schedule: " + e.getMessage());
            }
        }
        if (!stepProblems.isEmpty()) {
            throw new GraphException(source, stepProblems);
        }
        return new GraphChecks(steps, lines, source)
                .check(tree.get("name").asText())
                .withSchedule(schedule)
                .withWatch(
                        tree.has("watch")
                                ? Optional.of(tree.get("watch").get("folder").asText())
                                : Optional.empty())
                .withStorageBytes(
                        tree.path("limits").has("storageBytes")
                                ? java.util.OptionalLong.of(
                                        tree.get("limits").get("storageBytes").asLong())
                                : java.util.OptionalLong.empty());
    }

    private List<String> schemaProblems(JsonNode tree, JsonLines lines, String source) {
        // The validator is built on Jackson 3, the agent on Jackson 2: JSON text bridges them.
        List<Error> errors = Compiled.SCHEMA.validate(tree.toString(), InputFormat.JSON);
        List<String> problems = new ArrayList<>();
        for (Error error : errors.subList(0, Math.min(MAX_PROBLEMS, errors.size()))) {
            String pointer = pointer(error.getInstanceLocation());
            String at = "additionalProperties".equals(error.getKeyword()) && error.getProperty() != null
                    ? pointer + "/" + error.getProperty()
                    : pointer;
            problems.add(source + ":" + lines.line(at) + ": " + (pointer.isEmpty() ? "/" : pointer) + ": "
                    + withoutLocation(error.getMessage()));
        }
        if (errors.size() > MAX_PROBLEMS) {
            problems.add("and " + (errors.size() - MAX_PROBLEMS) + " more problems");
        }
        return problems;
    }

    private Optional<Step> step(JsonNode node, String pointer, JsonLines lines, String source, List<String> problems) {
        Optional<Condition> when = Optional.empty();
        if (node.has("when")) {
            try {
                when = Optional.of(Condition.parse(node.get("when").asText()));
            } catch (IllegalArgumentException e) {
                problems.add(
                        source + ":" + lines.line(pointer + "/when") + ": " + pointer + "/when: " + e.getMessage());
                return Optional.empty();
            }
        }
        List<String> dependsOn = new ArrayList<>();
        node.path("dependsOn").forEach(d -> dependsOn.add(d.asText()));
        ObjectNode args = node.has("args") ? (ObjectNode) node.get("args") : mapper.createObjectNode();
        String tool = node.path("tool").asText();
        if (node.has("model")) {
            String extra = node.has("tool") ? "tool" : node.has("args") ? "args" : null;
            if (extra != null) {
                problems.add(source + ":" + lines.line(pointer + "/" + extra) + ": " + pointer + "/" + extra
                        + ": a step with \"model\" calls the model endpoint (the tool " + Step.MODEL_TOOL
                        + "); remove \"" + extra + "\", or remove \"model\" to call a tool");
                return Optional.empty();
            }
            tool = Step.MODEL_TOOL;
            args = (ObjectNode) node.get("model");
        }
        Duration timeout = node.has("timeoutSeconds")
                ? Duration.ofSeconds(node.get("timeoutSeconds").asLong())
                : Step.DEFAULT_TIMEOUT;
        Optional<String> approval = node.has("approval")
                ? Optional.of(node.get("approval").get("reason").asText())
                : Optional.empty();
        return Optional.of(
                new Step(node.get("id").asText(), tool, args, dependsOn, when, timeout, retry(node), approval));
    }

    private static Retry retry(JsonNode node) {
        JsonNode r = node.get("retry");
        if (r == null) {
            return Retry.NONE;
        }
        long initial = r.path("initialDelayMillis").asLong(1000);
        return new Retry(
                r.get("maxAttempts").asInt(),
                Duration.ofMillis(initial),
                r.path("multiplier").asDouble(2),
                Duration.ofMillis(r.path("maxDelayMillis").asLong(Math.max(initial, 60_000))));
    }

    /** The validator's location as a JSON pointer ({@code /steps/0/id}). */
    static String pointer(NodePath path) {
        StringBuilder pointer = new StringBuilder();
        for (int i = 0; i < path.getNameCount(); i++) {
            pointer.append('/')
                    .append(String.valueOf(path.getElement(i))
                            .replace("~", "~0")
                            .replace("/", "~1"));
        }
        return pointer.toString();
    }

    /** Messages start with the location in the validator's own syntax ("$.steps[0]: "); we give a pointer. */
    private static String withoutLocation(String message) {
        if (message.startsWith("$")) {
            int colon = message.indexOf(": ");
            if (colon > 0) {
                return message.substring(colon + 2);
            }
        }
        return message;
    }
}
