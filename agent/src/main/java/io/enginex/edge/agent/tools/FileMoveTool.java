package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.sandbox.FileChanges;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;

/** {@code fs.move}: renames a file or folder within writable roots; a link moves as a link. */
public final class FileMoveTool implements Tool {
    public static final String NAME = "fs.move";

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Move or rename",
            "Moves a file or folder to another name in a writable shared folder. Fails when the target exists,"
                    + " unless overwrite:true and the target is a file.",
            Schemas.parse("""
                    {"type":"object","properties":{"from":{"type":"string","minLength":1,"maxLength":4096},
                     "to":{"type":"string","minLength":1,"maxLength":4096},
                     "overwrite":{"type":"boolean","default":false}},
                     "required":["from","to"],"additionalProperties":false}
                    """),
            "medium",
            Schemas.parse("{\"type\":\"object\",\"properties\":{\"from\":{\"type\":\"string\"},"
                    + "\"to\":{\"type\":\"string\"}}}"),
            new ToolAnnotations(false, true, false, false));

    private final FileSandbox sandbox;

    public FileMoveTool(FileSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String from = args.path("from").asText();
        String to = args.path("to").asText();
        try {
            FileChanges.move(
                    sandbox.rootFor(from),
                    from,
                    sandbox.rootFor(to),
                    to,
                    args.path("overwrite").asBoolean(false));
            return JsonNodeFactory.instance.objectNode().put("from", from).put("to", to);
        } catch (SandboxException e) {
            throw ToolException.from(e);
        }
    }
}
