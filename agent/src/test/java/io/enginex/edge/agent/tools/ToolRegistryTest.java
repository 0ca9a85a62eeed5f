package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.testing.RecordingTool;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ToolRegistryTest {
    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private final HostInfo host = new HostInfo("Linux", "amd64", "lt-1", "test");

    @Test
    void argumentsThatBreakTheSchemaNeverReachTheTool() throws Exception {
        RecordingTool tool = new RecordingTool();
        ToolRegistry registry = new ToolRegistry(List.of(tool));
        assertThatThrownBy(() -> registry.call(RecordingTool.NAME, json("{\"block\":\"yes\",\"extra\":1}"), context()))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS);
                    assertThat(e.getMessage()).contains("/block", "extra");
                });
        assertThat(tool.calls()).isZero();
        assertThat(registry.call(RecordingTool.NAME, json("{}"), context())
                        .path("call")
                        .asInt())
                .isEqualTo(1);
    }

    @Test
    void fsReadSchemaRejectsMissingPathAndOversizedLength() throws Exception {
        Files.writeString(temp.resolve("a.txt"), "a");
        ToolRegistry registry = registry(Optional.of(new FileRoot(temp)));
        assertThatThrownBy(() -> registry.call("fs.read", json("{}"), context()))
                .hasMessageContaining("required property 'path'");
        assertThatThrownBy(() -> registry.call("fs.read", json("{\"path\":\"a.txt\",\"length\":999999999}"), context()))
                .hasMessageContaining("/length");
        assertThatThrownBy(
                        () -> registry.call("fs.read", json("{\"path\":\"a.txt\",\"encoding\":\"latin1\"}"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS));
        assertThat(registry.call("fs.read", json("{\"path\":\"a.txt\"}"), context())
                        .path("content")
                        .asText())
                .isEqualTo("a");
    }

    @Test
    void unknownToolNamesTheOfferedOnes() {
        ToolRegistry registry = registry(Optional.empty());
        assertThatThrownBy(() -> registry.call("fs.read", mapper.createObjectNode(), context()))
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.UNKNOWN_TOOL);
                    assertThat(e.getMessage()).contains("\"fs.read\"", "sys.info");
                });
    }

    @Test
    void withoutARootFileToolsAreNotOffered() throws Exception {
        assertThat(registry(Optional.empty()).names()).containsExactly("sys.info", "sys.ping");
        assertThat(registry(Optional.of(new FileRoot(temp))).names())
                .containsExactly("fs.list", "fs.read", "fs.search", "fs.stat", "sys.info", "sys.ping");
    }

    @Test
    void sysPingAnswersAndEchoesButRefusesUnknownArguments() throws Exception {
        ToolRegistry registry = registry(Optional.empty());
        JsonNode out = registry.call("sys.ping", json("{\"message\":\"hi\"}"), context());
        assertThat(out.path("pong").asBoolean()).isTrue();
        assertThat(out.path("message").asText()).isEqualTo("hi");
        assertThatThrownBy(() -> registry.call("sys.ping", json("{\"rm\":\"-rf\"}"), context()))
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS));
    }

    @Test
    void sysInfoTellsAboutTheMachineButNoEnvironment() {
        JsonNode info = registry(Optional.empty()).call("sys.info", mapper.createObjectNode(), context());
        assertThat(info.path("hostname").asText()).isEqualTo("lt-1");
        assertThat(info.path("cpus").asInt()).isPositive();
        assertThat(info.has("javaVersion")).isTrue();
        String path = System.getenv("PATH");
        if (path != null && !path.isBlank()) {
            assertThat(info.toString()).doesNotContain(path);
        }
    }

    @Test
    void twoToolsWithOneNameAreRefused() {
        assertThatThrownBy(() -> new ToolRegistry(List.of(new RecordingTool(), new RecordingTool())))
                .hasMessageContaining("two tools are named test.record");
    }

    @Test
    void aSchemaIsCompiledAtTheToolsFirstCallAndABadOneNeverLetsItRun() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        Tool broken = new Tool() {
            @Override
            public ToolDescriptor descriptor() {
                try {
                    return new ToolDescriptor(
                            "test.broken", "Broken", "bad schema", mapper.readTree("{\"pattern\":\"(\"}"), "low");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public JsonNode call(JsonNode args, ToolContext context) {
                calls.incrementAndGet();
                return args;
            }
        };
        // Building the registry does not compile (the packaged agent starts without the validator).
        ToolRegistry registry = new ToolRegistry(List.of(broken, new RecordingTool()));
        assertThat(registry.names()).containsExactly("test.broken", RecordingTool.NAME);
        assertThatThrownBy(() -> registry.call("test.broken", json("{}"), context()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tool test.broken has an invalid input schema");
        assertThat(calls).hasValue(0);
        assertThat(registry.call(RecordingTool.NAME, json("{}"), context())
                        .path("call")
                        .asInt())
                .isEqualTo(1);
    }

    private ToolRegistry registry(Optional<FileRoot> root) {
        return new ToolRegistry(BuiltinTools.create(root, host, Clock.systemUTC(), Instant.now()));
    }

    private JsonNode json(String text) throws Exception {
        return mapper.readTree(text);
    }

    private static ToolContext context() {
        return ToolContext.detached("job_t", Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
