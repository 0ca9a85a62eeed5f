package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.sandbox.FileChanges;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;

/** {@code fs.mkdir}: creates a folder in a writable root (with {@code parents}, the missing ones above). */
public final class FileMkdirTool implements Tool {
    public static final String NAME = "fs.mkdir";

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Create a folder",
            "Creates a folder in a writable shared folder; parents:true also creates missing folders above it"
                    + " and accepts one that exists.",
            Schemas.parse("""
                    {"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":4096},
                     "parents":{"type":"boolean","default":false}},"required":["path"],"additionalProperties":false}
                    """),
            "medium",
            Schemas.parse("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
                    + "\"created\":{\"type\":\"boolean\"}}}"),
            new ToolAnnotations(false, false, true, false));

    private final FileSandbox sandbox;

    public FileMkdirTool(FileSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String given = args.path("path").asText();
        try {
            boolean created = FileChanges.mkdir(
                    sandbox.rootFor(given), given, args.path("parents").asBoolean(false));
            return JsonNodeFactory.instance.objectNode().put("path", given).put("created", created);
        } catch (SandboxException e) {
            throw ToolException.from(e);
        }
    }
}
