package io.enginex.edge.server.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.protocol.ToolApproval;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The tools an agent offered in its last hello, parsed once (when its {@link Agent} is read) into
 * typed entries that job creation, approvals and the dashboard share. Keeps the stored JSON array as
 * a tree too, so the API shows the descriptors exactly as the agent sent them. Immutable; do not
 * modify {@link #json()}.
 *
 * <pre>{@code [{"name":"exec","title":"Run","inputSchema":{…},"risk":"high","approval":{"templates":["erp"]}}]}</pre>
 */
public final class ToolCatalogue {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** No tools (an agent that never said hello). */
    public static final ToolCatalogue EMPTY = new ToolCatalogue(JsonNodeFactory.instance.arrayNode(), List.of(), true);

    /**
     * One offered tool.
     *
     * @param approval which calls need a person's approval, or null when none do
     * @param approvalJson the approval object as sent, or null (for showing a rule the hub does not know)
     */
    public record Tool(
            String name,
            String title,
            String description,
            String risk,
            JsonNode inputSchema,
            ToolApproval approval,
            JsonNode approvalJson) {
        /** True when this call ({@code args} of the job) needs a person's approval by the agent's rule. */
        public boolean needsApproval(JsonNode args) {
            return approval != null && approval.requiredFor(args.path("command").asText(null));
        }
    }

    private final JsonNode json;
    private final List<Tool> tools;
    private final boolean readable;

    private ToolCatalogue(JsonNode json, List<Tool> tools, boolean readable) {
        this.json = json;
        this.tools = List.copyOf(tools);
        this.readable = readable;
    }

    /**
     * Parses the stored descriptors. Entries without a name are skipped; text that is not a JSON
     * array gives an empty, {@linkplain #readable() unreadable} catalogue rather than an error.
     */
    public static ToolCatalogue parse(String json) {
        if (json == null || json.equals("[]")) {
            return EMPTY;
        }
        JsonNode array;
        try {
            array = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            return new ToolCatalogue(JsonNodeFactory.instance.textNode(json), List.of(), false);
        }
        List<Tool> tools = new ArrayList<>();
        for (JsonNode t : array) {
            String name = t.path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            JsonNode approval = t.get("approval");
            boolean hasApproval = approval != null && approval.isObject();
            tools.add(new Tool(
                    name,
                    t.path("title").asText(name),
                    t.path("description").asText(""),
                    t.path("risk").asText("low"),
                    t.path("inputSchema").isObject() ? t.get("inputSchema") : JsonNodeFactory.instance.objectNode(),
                    hasApproval ? approval(approval) : null,
                    approval == null || approval.isNull() ? null : approval));
        }
        return new ToolCatalogue(array, tools, array.isArray());
    }

    private static ToolApproval approval(JsonNode approval) {
        List<String> templates = new ArrayList<>();
        approval.path("templates").forEach(n -> templates.add(n.asText()));
        return new ToolApproval(approval.path("required").asBoolean(false), templates);
    }

    /** The tools, in the order the agent listed them. */
    public List<Tool> tools() {
        return tools;
    }

    /** Their names, in order. */
    public List<String> names() {
        return tools.stream().map(Tool::name).toList();
    }

    /** The tool named {@code name}, if offered. */
    public Optional<Tool> find(String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst();
    }

    /** False when the stored text was not JSON (then there are no tools). */
    public boolean readable() {
        return readable;
    }

    /** The descriptors as stored (a JSON array, or a text node for unreadable text). */
    public JsonNode json() {
        return json;
    }
}
