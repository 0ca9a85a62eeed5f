package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * A tool an agent offered in its last hello, read from the stored descriptors.
 *
 * @param approval what needs a person's approval, as the agent described it, or null
 */
public record ToolInfo(
        String name, String title, String description, String risk, String approval, JsonNode inputSchema) {
    /** The run form's fields for this tool. */
    public List<SchemaForm.Field> fields() {
        return SchemaForm.fields(inputSchema);
    }

    /** The agent's tools from its stored descriptors (a JSON array); empty if it never said hello. */
    static List<ToolInfo> parse(String toolsJson, ObjectMapper mapper) {
        JsonNode array;
        try {
            array = mapper.readTree(toolsJson == null ? "[]" : toolsJson);
        } catch (JsonProcessingException e) {
            return List.of();
        }
        List<ToolInfo> tools = new ArrayList<>();
        for (JsonNode t : array) {
            String name = t.path("name").asText("");
            if (name.isEmpty()) {
                continue;
            }
            JsonNode approval = t.get("approval");
            tools.add(new ToolInfo(
                    name,
                    t.path("title").asText(name),
                    t.path("description").asText(""),
                    t.path("risk").asText("low"),
                    approval == null || approval.isNull() ? null : describe(approval),
                    t.path("inputSchema").isObject() ? t.get("inputSchema") : mapper.createObjectNode()));
        }
        return List.copyOf(tools);
    }

    static ToolInfo find(List<ToolInfo> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    private static String describe(JsonNode approval) {
        if (approval.path("required").asBoolean(false)) {
            return "every call";
        }
        List<String> templates = new ArrayList<>();
        approval.path("templates").forEach(n -> templates.add(n.asText()));
        return templates.isEmpty() ? approval.toString() : "templates " + String.join(", ", templates);
    }
}
