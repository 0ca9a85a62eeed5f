package io.enginex.edge.agent.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.tools.FileListTool;
import io.enginex.edge.agent.tools.FileReadTool;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each refusal is checked twice: {@link FileRoot#resolve} refuses, and {@code fs.read} through the same
 * root returns an error and never the outside file's content.
 */
class FileRootTest {
    private static final String SECRET = "TOP-SECRET-OUTSIDE-CONTENT";

    @TempDir
    Path temp;

    private Path rootDir;
    private Path outsideFile;
    private FileRoot root;

    @BeforeEach
    void layout() throws Exception {
        rootDir = Files.createDirectories(temp.resolve("shared"));
        Files.writeString(rootDir.resolve("hello.txt"), "hello");
        Files.createDirectories(rootDir.resolve("docs"));
        Files.writeString(rootDir.resolve("docs").resolve("a.txt"), "inside");
        outsideFile = Files.writeString(temp.resolve("secret.txt"), SECRET);
        Files.createDirectories(temp.resolve("shared-evil"));
        Files.writeString(temp.resolve("shared-evil").resolve("x.txt"), SECRET);
        root = new FileRoot(rootDir);
    }

    @Test
    void pathsInsideResolveToTheirRealPaths() throws Exception {
        assertThat(root.resolve(".")).isEqualTo(rootDir.toRealPath());
        assertThat(root.resolve("")).isEqualTo(rootDir.toRealPath());
        assertThat(root.resolve("docs/a.txt"))
                .isEqualTo(rootDir.resolve("docs/a.txt").toRealPath());
        assertThat(root.resolve("docs/../hello.txt"))
                .isEqualTo(rootDir.resolve("hello.txt").toRealPath());
        assertThat(root.resolve(rootDir.resolve("hello.txt").toString()))
                .isEqualTo(rootDir.resolve("hello.txt").toRealPath());
    }

    @Test
    void dotDotEscapesAreRefused() {
        refused("../secret.txt", ErrorCodes.PATH_OUTSIDE_ROOT);
        refused("docs/../../secret.txt", ErrorCodes.PATH_OUTSIDE_ROOT);
        refused("..", ErrorCodes.PATH_OUTSIDE_ROOT);
        refused("../shared-evil/x.txt", ErrorCodes.PATH_OUTSIDE_ROOT); // a sibling sharing the root's name prefix
    }

    @Test
    void absolutePathsOutsideTheRootAreRefused() {
        refused(outsideFile.toString(), ErrorCodes.PATH_OUTSIDE_ROOT);
        refused(outsideFile.toAbsolutePath().toString(), ErrorCodes.PATH_OUTSIDE_ROOT);
        refused("/etc/passwd", ErrorCodes.PATH_OUTSIDE_ROOT);
    }

    @Test
    void symlinkPointingOutsideIsRefused() throws Exception {
        Files.createSymbolicLink(rootDir.resolve("link-out"), outsideFile);
        Files.createSymbolicLink(rootDir.resolve("dir-out"), temp);
        refused("link-out", ErrorCodes.PATH_OUTSIDE_ROOT);
        refused("dir-out/secret.txt", ErrorCodes.PATH_OUTSIDE_ROOT);
    }

    @Test
    void symlinkInsideTheRootIsFollowed() throws Exception {
        Files.createSymbolicLink(
                rootDir.resolve("link-in"), rootDir.resolve("docs").resolve("a.txt"));
        assertThat(root.resolve("link-in"))
                .isEqualTo(rootDir.resolve("docs/a.txt").toRealPath());
        assertThat(read("link-in").path("content").asText()).isEqualTo("inside");
    }

    @Test
    void nulBytesAreRefused() {
        refused("hello.txt\0../../secret.txt", ErrorCodes.INVALID_ARGUMENTS);
    }

    @Test
    void missingFilesAreNotFound() {
        refused("nope.txt", ErrorCodes.NOT_FOUND);
        refused("docs/nope/deeper.txt", ErrorCodes.NOT_FOUND);
    }

    @Test
    void refusalMessagesNameThePathAsGivenNeverTheRealPathOutside() throws Exception {
        Files.createSymbolicLink(rootDir.resolve("link-out"), outsideFile);
        assertThatThrownBy(() -> root.resolve("link-out"))
                .hasMessageContaining("\"link-out\"")
                .message()
                .doesNotContain(outsideFile.toString());
    }

    @Test
    void listingShowsSymlinksWithoutFollowingThem() throws Exception {
        Files.createSymbolicLink(rootDir.resolve("link-out"), outsideFile);
        JsonNode listing = new FileListTool(io.enginex.edge.agent.sandbox.FileSandbox.of(root))
                .call(JsonNodeFactory.instance.objectNode(), context());
        assertThat(listing.path("entries").findValuesAsText("name")).containsExactly("docs", "hello.txt", "link-out");
        assertThat(listing.path("entries").findValuesAsText("type")).containsExactly("dir", "file", "symlink");
        assertThat(listing.toString()).doesNotContain(SECRET, outsideFile.toString());
    }

    @Test
    void rootMustBeAnExistingFolder() {
        assertThatThrownBy(() -> new FileRoot(temp.resolve("missing"))).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> new FileRoot(outsideFile)).hasMessageContaining("not a folder");
    }

    private void refused(String path, String code) {
        ThrowingCallable resolve = () -> root.resolve(path);
        assertThatThrownBy(resolve)
                .isInstanceOfSatisfying(
                        SandboxException.class, e -> assertThat(e.code()).isEqualTo(code));
        ThrowingCallable viaTool = () -> read(path);
        assertThatThrownBy(viaTool).isInstanceOfSatisfying(ToolException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).doesNotContain(SECRET);
        });
    }

    private JsonNode read(String path) {
        return new FileReadTool(io.enginex.edge.agent.sandbox.FileSandbox.of(root))
                .call(JsonNodeFactory.instance.objectNode().put("path", path), context());
    }

    private static ToolContext context() {
        return ToolContext.detached("job_test", Instant.now().plusSeconds(30), Clock.systemUTC());
    }
}
