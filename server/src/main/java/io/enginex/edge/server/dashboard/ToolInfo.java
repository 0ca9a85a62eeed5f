package io.enginex.edge.server.dashboard;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.server.store.ToolCatalogue;
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

    /** The agent's tools from its catalogue; empty if it never said hello. */
    static List<ToolInfo> of(ToolCatalogue catalogue) {
        return catalogue.tools().stream()
                .map(t -> new ToolInfo(
                        t.name(),
                        t.title(),
                        t.description(),
                        t.risk(),
                        t.approvalJson() == null ? null : describe(t.approval(), t.approvalJson()),
                        t.inputSchema()))
                .toList();
    }

    static ToolInfo find(List<ToolInfo> tools, String name) {
        return tools.stream().filter(t -> t.name().equals(name)).findFirst().orElse(null);
    }

    private static String describe(ToolApproval approval, JsonNode json) {
        if (approval != null && approval.required()) {
            return "every call";
        }
        return approval == null || approval.templates().isEmpty()
                ? json.toString()
                : "templates " + String.join(", ", approval.templates());
    }
}
