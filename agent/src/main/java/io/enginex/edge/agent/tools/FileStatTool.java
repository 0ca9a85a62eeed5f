package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/** {@code fs.stat}: type, size and times of a file or folder inside a root (links followed inside it). */
public final class FileStatTool implements Tool {
    public static final String NAME = "fs.stat";

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Describe a file or folder",
            "Returns type (file, dir, other), size in bytes, last-modified and created times and whether the"
                    + " shared folder holding it is writable.",
            Schemas.parse("""
                    {"type":"object","properties":{"path":{"type":"string","minLength":1,"maxLength":4096}},
                     "required":["path"],"additionalProperties":false}
                    """),
            "low",
            Schemas.parse("""
                    {"type":"object","properties":{"path":{"type":"string"},"type":{"enum":["file","dir","other"]},
                     "size":{"type":"integer"},"modified":{"type":"string"},"created":{"type":"string"},
                     "writable":{"type":"boolean"}}}
                    """),
            ToolAnnotations.READ_ONLY);

    private final FileSandbox sandbox;

    public FileStatTool(FileSandbox sandbox) {
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
            FileRoot root = sandbox.rootFor(given);
            Path real = root.resolve(given);
            BasicFileAttributes a = root.attributes(real, given);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("path", given);
            out.put("type", a.isDirectory() ? "dir" : a.isRegularFile() ? "file" : "other");
            out.put("size", a.size());
            out.put("modified", a.lastModifiedTime().toInstant().toString());
            out.put("created", a.creationTime().toInstant().toString());
            out.put("writable", root.mode() == io.enginex.edge.agent.policy.AccessMode.WRITE);
            return out;
        } catch (SandboxException e) {
            throw ToolException.from(e);
        }
    }
}
