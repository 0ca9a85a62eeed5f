package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileChanges;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;

/**
 * {@code fs.write}: creates, overwrites or appends to a file in a writable root, atomically (a temp
 * file next to it, renamed over it), never through a link, within the policy's write cap.
 */
public final class FileWriteTool implements Tool {
    public static final String NAME = "fs.write";

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Write a file",
            "Writes content (UTF-8 text, or base64 with encoding base64) to a file in a writable shared folder."
                    + " mode create (default) fails when the file exists; overwrite replaces it; append adds to its"
                    + " end. Readers never see a half-written file.",
            Schemas.parse("""
                    {"type":"object",
                     "properties":{
                       "path":{"type":"string","minLength":1,"maxLength":4096},
                       "content":{"type":"string","maxLength":12000000},
                       "encoding":{"enum":["utf-8","base64"],"default":"utf-8"},
                       "mode":{"enum":["create","overwrite","append"],"default":"create"}},
                     "required":["path","content"],"additionalProperties":false}
                    """),
            "medium",
            Schemas.parse("""
                    {"type":"object","properties":{"path":{"type":"string"},"size":{"type":"integer"},
                     "mode":{"type":"string"}}}
                    """),
            new ToolAnnotations(false, true, false, false));

    private final FileSandbox sandbox;

    public FileWriteTool(FileSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String given = args.path("path").asText();
        String mode = args.path("mode").asText("create");
        byte[] data;
        if ("base64".equals(args.path("encoding").asText("utf-8"))) {
            try {
                data = Base64.getDecoder().decode(args.path("content").asText());
            } catch (IllegalArgumentException e) {
                throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, "content is not valid base64");
            }
        } else {
            data = args.path("content").asText().getBytes(StandardCharsets.UTF_8);
        }
        try {
            long size = FileChanges.write(
                    sandbox.rootFor(given), given, data, FileChanges.WriteMode.valueOf(mode.toUpperCase(Locale.ROOT)));
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("path", given);
            out.put("size", size);
            out.put("mode", mode);
            return out;
        } catch (SandboxException e) {
            throw ToolException.from(e);
        }
    }
}
