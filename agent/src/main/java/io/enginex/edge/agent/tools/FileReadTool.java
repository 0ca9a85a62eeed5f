package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.agent.sandbox.SandboxException;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code fs.read}: up to {@link #MAX_LENGTH} bytes of a file inside the root, from {@code offset}, as
 * UTF-8 text or base64. Larger files are read in chunks: {@code nextOffset} is where the next call
 * starts, {@code eof} says the end was reached. A UTF-8 chunk never ends inside a character.
 */
public final class FileReadTool implements Tool {
    public static final String NAME = "fs.read";
    public static final int MAX_LENGTH = 256 * 1024;

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "Read a file",
            "Reads a file inside the shared root, at most " + MAX_LENGTH + " bytes per call starting at"
                    + " offset, as UTF-8 text (encoding utf-8, the default) or base64 (encoding base64, for"
                    + " binary files). Returns content, size, eof and nextOffset for reading on.",
            Schemas.parse("""
                    {"type":"object",
                     "properties":{
                       "path":{"type":"string","minLength":1,"maxLength":4096,
                         "description":"file relative to the shared root"},
                       "offset":{"type":"integer","minimum":0,"default":0},
                       "length":{"type":"integer","minimum":1,"maximum":%d,"default":%d},
                       "encoding":{"enum":["utf-8","base64"],"default":"utf-8"}},
                     "required":["path"],
                     "additionalProperties":false}
                    """.formatted(MAX_LENGTH, MAX_LENGTH)),
            "low",
            null,
            ToolAnnotations.READ_ONLY);

    private final FileSandbox sandbox;

    public FileReadTool(FileSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String given = args.path("path").asText();
        long offset = args.path("offset").asLong(0);
        int length = args.path("length").asInt(MAX_LENGTH);
        boolean base64 = "base64".equals(args.path("encoding").asText("utf-8"));
        try (FileRoot.OpenFile file = sandbox.rootFor(given).openForRead(given)) {
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(0, Math.min(length, file.size() - offset)));
            if (offset < file.size()) {
                file.channel().position(offset);
                while (buffer.hasRemaining() && file.channel().read(buffer) > 0) {
                    context.checkCancelled();
                }
            }
            buffer.flip();
            byte[] bytes = new byte[buffer.remaining()];
            buffer.get(bytes);
            boolean eof = offset + bytes.length >= file.size();
            int used = base64 || eof ? bytes.length : completeUtf8Prefix(bytes);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("path", given);
            out.put("encoding", base64 ? "base64" : "utf-8");
            out.put("content", base64 ? Base64.getEncoder().encodeToString(bytes) : utf8(bytes, used, given));
            out.put("offset", offset);
            out.put("length", used);
            out.put("nextOffset", offset + used);
            out.put("size", file.size());
            out.put("eof", offset + used >= file.size());
            return out;
        } catch (SandboxException e) {
            throw ToolException.from(e);
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot read \"" + given + "\": " + e.getClass().getSimpleName());
        }
    }

    /** Length of the longest prefix of {@code bytes} that does not end inside a UTF-8 sequence. */
    static int completeUtf8Prefix(byte[] bytes) {
        int n = bytes.length;
        // Walk back over at most 3 continuation bytes to the lead byte of the last sequence.
        for (int back = 1; back <= Math.min(4, n); back++) {
            int b = bytes[n - back] & 0xFF;
            if ((b & 0xC0) == 0x80) {
                continue; // continuation byte
            }
            int needed = b < 0x80 ? 1 : (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return back >= needed ? n : n - back;
        }
        return n;
    }

    private static String utf8(byte[] bytes, int length, String given) {
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, 0, length))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ToolException(
                    ErrorCodes.INVALID_ARGUMENTS,
                    "\"" + given + "\" is not UTF-8 text at this" + " offset; read it with \"encoding\":\"base64\"");
        }
    }
}
