package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.sandbox.FileChanges;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;

/**
 * {@code fs.delete}: deletes a file, a link (never its target) or, with {@code recursive}, a folder and
 * its contents (links inside are removed, not followed), at most {@link #MAX_ENTRIES} entries.
 */
public final class FileDeleteTool implements Tool {
    public static final String NAME = "fs.delete";
    public static final int MAX_ENTRIES = 10_000;

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Delete",
            "Deletes a file or an empty folder in a writable shared folder; recursive:true deletes a folder with"
                    + " its contents (at most " + MAX_ENTRIES + " entries). Links are removed, never followed.",
            Schemas.parse("""
                    {"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":4096},
                     "recursive":{"type":"boolean","default":false}},"required":["path"],"additionalProperties":false}
                    """),
            "high",
            Schemas.parse("{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"},"
                    + "\"deleted\":{\"type\":\"integer\"}}}"),
            new ToolAnnotations(false, true, true, false));

    private final FileSandbox sandbox;

    public FileDeleteTool(FileSandbox sandbox) {
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
            int deleted = FileChanges.delete(
                    sandbox.rootFor(given),
                    given,
                    args.path("recursive").asBoolean(false),
                    MAX_ENTRIES,
                    () -> context.stopRequested().getAsBoolean()
                            || Thread.currentThread().isInterrupted());
            return JsonNodeFactory.instance.objectNode().put("path", given).put("deleted", deleted);
        } catch (SandboxException e) {
            throw ToolException.from(e);
        }
    }
}
