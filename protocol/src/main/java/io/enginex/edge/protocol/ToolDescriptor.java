package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * What a tool is, in the shape of an MCP tool so AI agents can call it unchanged.
 *
 * @param name dotted identifier, e.g. {@code fs.read}
 * @param title short human-readable name
 * @param description what the tool does, for a person or a model choosing it
 * @param inputSchema JSON Schema (draft 2020-12) of the arguments object
 * @param risk {@code low} (reads), {@code medium} (writes within policy), {@code high} (runs
 *     commands or reaches the network)
 * @param outputSchema JSON Schema of the output object, or null when not declared (optional; added
 *     in protocol 1.0 without a version change, older peers ignore it)
 * @param annotations MCP behaviour hints, or null when not declared (optional, as {@code
 *     outputSchema})
 * @param approval which calls need a person's approval on the hub, or null when none do (optional,
 *     as {@code outputSchema}); the agent still refuses such a call unless the dispatch says it was
 *     approved
 */
public record ToolDescriptor(
        String name,
        String title,
        String description,
        JsonNode inputSchema,
        String risk,
        JsonNode outputSchema,
        ToolAnnotations annotations,
        ToolApproval approval) {
    public ToolDescriptor {
        Messages.requireText(name, "tool name");
        if (!name.matches("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*)*")) {
            throw new IllegalArgumentException(
                    "tool name must be dotted lower-case words like fs.read, got " + Protocol.quote(name));
        }
        Objects.requireNonNull(inputSchema, "inputSchema");
        title = title == null ? name : title;
        description = description == null ? "" : description;
        risk = risk == null ? "low" : risk;
    }

    /** A descriptor that needs no approval. */
    public ToolDescriptor(
            String name,
            String title,
            String description,
            JsonNode inputSchema,
            String risk,
            JsonNode outputSchema,
            ToolAnnotations annotations) {
        this(name, title, description, inputSchema, risk, outputSchema, annotations, null);
    }

    /** This descriptor announcing {@code approval} (null for none). */
    public ToolDescriptor withApproval(ToolApproval approval) {
        return new ToolDescriptor(name, title, description, inputSchema, risk, outputSchema, annotations, approval);
    }

    /** A descriptor without output schema or annotations. */
    public ToolDescriptor(String name, String title, String description, JsonNode inputSchema, String risk) {
        this(name, title, description, inputSchema, risk, null, null, null);
    }
}
