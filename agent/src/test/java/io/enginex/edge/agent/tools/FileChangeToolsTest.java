package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.policy.AccessMode;
import io.enginex.edge.agent.policy.DefaultPolicy;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.sandbox.FileSandbox;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileChangeToolsTest {
    @TempDir
    Path temp;

    private ToolRegistry tools;

    @BeforeEach
    void writableRoot() {
        tools = registry(AccessMode.WRITE, new Limits(1 << 20, 100, 1000, "test limits"));
    }

    private ToolRegistry registry(AccessMode mode, Limits limits) {
        FileSandbox sandbox = FileSandbox.of(new FileRoot(
                temp, mode, DefaultPolicy.denyRules(temp.getFileSystem(), "test"), limits, "test root", FileRoot.NONE));
        Map<String, String> all = new java.util.LinkedHashMap<>();
        Stream.of("fs.list", "fs.read", "fs.stat", "fs.search", "fs.write", "fs.mkdir", "fs.move", "fs.delete")
                .forEach(t -> all.put(t, "test"));
        Policy policy = new Policy(List.of(), List.of(), limits, all, Map.of(), List.of(), Map.of());
        HostInfo host = new HostInfo("linux", "amd64", "test-host", "0.0.0-test");
        return new ToolRegistry(
                BuiltinTools.create(Optional.of(sandbox), policy, host, Clock.systemUTC(), Instant.now()),
                BuiltinTools.blocked(Optional.of(sandbox), policy, "test policy"));
    }

    private JsonNode call(String tool, ObjectNode args) {
        return tools.call(
                tool, args, ToolContext.detached("job_t", Instant.now().plusSeconds(30), Clock.systemUTC()));
    }

    private String refusal(String tool, ObjectNode args) {
        ToolException e = catchThrowableOfType(ToolException.class, () -> call(tool, args));
        assertThat(e).as("%s %s must fail", tool, args).isNotNull();
        return e.code() + ": " + e.getMessage();
    }

    private static ObjectNode args() {
        return JsonNodeFactory.instance.objectNode();
    }

    @Test
    void writeCreatesThenOverwritesThenAppendsAndLeavesNoTempFiles() throws Exception {
        call("fs.write", args().put("path", "out.csv").put("content", "a,b\n"));
        assertThat(refusal("fs.write", args().put("path", "out.csv").put("content", "x")))
                .startsWith(ErrorCodes.INVALID_ARGUMENTS)
                .contains("already exists");
        call("fs.write", args().put("path", "out.csv").put("content", "c,d\n").put("mode", "overwrite"));
        JsonNode appended = call(
                "fs.write",
                args().put("path", "out.csv")
                        .put("content", "ZSxmCg==")
                        .put("encoding", "base64")
                        .put("mode", "append"));

        assertThat(Files.readString(temp.resolve("out.csv"))).isEqualTo("c,d\ne,f\n");
        assertThat(appended.path("size").asLong()).isEqualTo(8);
        try (Stream<Path> files = Files.list(temp)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("out.csv");
        }
    }

    @Test
    void writesOverTheCapAreBlockedByPolicyAndLeaveTheFileAsItWas() throws Exception {
        call("fs.write", args().put("path", "f.txt").put("content", "x".repeat(90)));

        assertThat(refusal(
                        "fs.write",
                        args().put("path", "f.txt")
                                .put("content", "y".repeat(20))
                                .put("mode", "append")))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY)
                .contains("write cap of 100", "test limits");
        assertThat(Files.readString(temp.resolve("f.txt"))).isEqualTo("x".repeat(90));
    }

    @Test
    void aReadOnlyRootRefusesEveryChangeByPolicy() throws Exception {
        tools = registry(AccessMode.READ, Limits.DEFAULT);
        Files.writeString(temp.resolve("keep.txt"), "keep");

        assertThat(tools.names()).doesNotContain("fs.write", "fs.delete");
        assertThat(refusal("fs.write", args().put("path", "new.txt").put("content", "x")))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY)
                .contains("read-only under test policy");
        assertThat(refusal("fs.delete", args().put("path", "keep.txt"))).startsWith(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(temp.resolve("keep.txt")).exists();
    }

    @Test
    void mkdirMoveAndDeleteWorkInsideTheRoot() throws Exception {
        assertThat(call("fs.mkdir", args().put("path", "a/b/c").put("parents", true))
                        .path("created")
                        .asBoolean())
                .isTrue();
        assertThat(call("fs.mkdir", args().put("path", "a/b/c").put("parents", true))
                        .path("created")
                        .asBoolean())
                .isFalse();
        assertThat(refusal("fs.mkdir", args().put("path", "x/y")))
                .startsWith(ErrorCodes.NOT_FOUND)
                .contains("parents:true");
        call("fs.write", args().put("path", "a/b/c/r.txt").put("content", "report"));
        call("fs.move", args().put("from", "a/b/c/r.txt").put("to", "a/report.txt"));
        assertThat(Files.readString(temp.resolve("a/report.txt"))).isEqualTo("report");
        call("fs.write", args().put("path", "other.txt").put("content", "o"));
        assertThat(refusal("fs.move", args().put("from", "other.txt").put("to", "a/report.txt")))
                .contains("overwrite:true");
        call(
                "fs.move",
                args().put("from", "other.txt").put("to", "a/report.txt").put("overwrite", true));
        assertThat(Files.readString(temp.resolve("a/report.txt"))).isEqualTo("o");
        assertThat(refusal("fs.delete", args().put("path", "a"))).contains("recursive:true");
        assertThat(call("fs.delete", args().put("path", "a").put("recursive", true))
                        .path("deleted")
                        .asInt())
                .isEqualTo(4);
        assertThat(temp.resolve("a")).doesNotExist();
        assertThat(refusal("fs.delete", args().put("path", "."))).startsWith(ErrorCodes.INVALID_ARGUMENTS);
    }

    @Test
    void statAndSearchFindByNameAndContent() throws Exception {
        Files.createDirectories(temp.resolve("q3"));
        Files.writeString(temp.resolve("q3/sales.csv"), "region,total\nnorth,12\nsouth,7\n");
        Files.writeString(temp.resolve("q3/notes.txt"), "nothing here");
        Files.writeString(temp.resolve(".env"), "south secret");

        JsonNode stat = call("fs.stat", args().put("path", "q3/sales.csv"));
        JsonNode byName = call("fs.search", args().put("name", "*.csv"));
        JsonNode byContent = call("fs.search", args().put("path", "q3").put("contains", "SOUTH"));

        assertThat(stat.path("type").asText()).isEqualTo("file");
        assertThat(stat.path("writable").asBoolean()).isTrue();
        assertThat(byName.path("matches"))
                .extracting(m -> m.path("path").asText())
                .containsExactly("q3/sales.csv");
        assertThat(byContent.path("matches").get(0).path("line").asInt()).isEqualTo(3);
        assertThat(byContent.toString()).doesNotContain(".env");
        assertThat(refusal("fs.stat", args().put("path", ".env")))
                .startsWith(ErrorCodes.BLOCKED_BY_POLICY)
                .contains("**/.env");
    }

    @Test
    void aToolThePolicyLeavesOutIsBlockedByPolicyNotUnknown() {
        Map<String, String> onlyRead = Map.of("fs.read", "machine policy p.json");
        Policy policy = new Policy(List.of(), List.of(), Limits.DEFAULT, onlyRead, Map.of(), List.of(), Map.of());
        FileSandbox sandbox = FileSandbox.of(new FileRoot(temp));
        ToolRegistry registry = new ToolRegistry(
                BuiltinTools.create(
                        Optional.of(sandbox),
                        policy,
                        new HostInfo("linux", "amd64", "h", "v"),
                        Clock.systemUTC(),
                        Instant.now()),
                BuiltinTools.blocked(Optional.of(sandbox), policy, "machine policy p.json"));

        ToolException e = catchThrowableOfType(
                ToolException.class,
                () -> registry.call(
                        "sys.info",
                        args(),
                        ToolContext.detached("j", Instant.now().plusSeconds(5), Clock.systemUTC())));

        assertThat(registry.names()).containsExactly("fs.read");
        assertThat(e.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(e.getMessage()).contains("sys.info", "machine policy p.json");
    }
}
