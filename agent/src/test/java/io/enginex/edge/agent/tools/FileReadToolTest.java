package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReadToolTest {
    @TempDir
    Path temp;

    @Test
    void readsLargeFilesInChunksThatNeverSplitACharacter() throws Exception {
        String text = "ä€𝄞x".repeat(100_000); // 2-, 3- and 4-byte characters
        Files.writeString(temp.resolve("big.txt"), text);
        FileReadTool tool = new FileReadTool(io.enginex.edge.agent.sandbox.FileSandbox.of(new FileRoot(temp)));
        StringBuilder read = new StringBuilder();
        long offset = 0;
        JsonNode chunk;
        do {
            chunk = tool.call(
                    JsonNodeFactory.instance.objectNode().put("path", "big.txt").put("offset", offset), context());
            assertThat(chunk.path("length").asInt()).isLessThanOrEqualTo(FileReadTool.MAX_LENGTH);
            read.append(chunk.path("content").asText());
            offset = chunk.path("nextOffset").asLong();
        } while (!chunk.path("eof").asBoolean());
        assertThat(read.toString()).isEqualTo(text);
        assertThat(chunk.path("size").asLong()).isEqualTo(text.getBytes(StandardCharsets.UTF_8).length);
    }

    @Test
    void binaryFilesComeAsBase64AndUtf8IsRefusedForThem() throws Exception {
        byte[] bytes = {0, (byte) 0xFF, (byte) 0xFE, 1, 2};
        Files.write(temp.resolve("bin"), bytes);
        FileReadTool tool = new FileReadTool(io.enginex.edge.agent.sandbox.FileSandbox.of(new FileRoot(temp)));
        JsonNode out = tool.call(
                JsonNodeFactory.instance.objectNode().put("path", "bin").put("encoding", "base64"), context());
        assertThat(Base64.getDecoder().decode(out.path("content").asText())).isEqualTo(bytes);
        assertThat(out.path("eof").asBoolean()).isTrue();
        assertThatThrownBy(() -> tool.call(JsonNodeFactory.instance.objectNode().put("path", "bin"), context()))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS);
                    assertThat(e.getMessage()).contains("base64");
                });
    }

    @Test
    void foldersAreRefusedWithAHint() throws Exception {
        Files.createDirectories(temp.resolve("dir"));
        FileReadTool tool = new FileReadTool(io.enginex.edge.agent.sandbox.FileSandbox.of(new FileRoot(temp)));
        assertThatThrownBy(() -> tool.call(JsonNodeFactory.instance.objectNode().put("path", "dir"), context()))
                .hasMessageContaining("fs.list");
    }

    @Test
    void completeUtf8PrefixStopsBeforeAPartialCharacter() {
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        assertThat(FileReadTool.completeUtf8Prefix(new byte[] {'a', euro[0], euro[1]}))
                .isEqualTo(1);
        assertThat(FileReadTool.completeUtf8Prefix(new byte[] {'a', euro[0], euro[1], euro[2]}))
                .isEqualTo(4);
        assertThat(FileReadTool.completeUtf8Prefix(new byte[] {'a', 'b'})).isEqualTo(2);
    }

    private static ToolContext context() {
        return ToolContext.detached("job_t", Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
