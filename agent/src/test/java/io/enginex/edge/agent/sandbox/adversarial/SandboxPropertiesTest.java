package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.tools.ToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Properties over generated paths built from the names an attacker would combine ({@code ..}, links
 * out, the canary's own names, Windows forms, NUL): whatever the path, a call either is refused with a
 * typed code or succeeds on something inside the root; no output ever carries canary content, and the
 * canary tree is unchanged after every try.
 */
class SandboxPropertiesTest {
    private static Path temp;
    private static Sandboxes box;

    @BeforeContainer
    static void layout() throws IOException {
        temp = Files.createTempDirectory("enginex-props");
        box = new Sandboxes(temp, FileRoot.NONE);
    }

    @AfterContainer
    static void cleanUp() throws IOException {
        try (Stream<Path> walk = Files.walk(temp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Provide
    Arbitrary<String> hostilePaths() {
        Arbitrary<String> segment = Arbitraries.oneOf(
                Arbitraries.of(
                        "..",
                        ".",
                        "",
                        "outside",
                        "secret.txt",
                        "passwd",
                        "sub",
                        "deep.txt",
                        "link-dir",
                        "link-file",
                        "link-rel",
                        "link-chain",
                        "link-root",
                        "docs",
                        "up",
                        "hello.txt",
                        "hard-link",
                        ".ssh",
                        "id_rsa",
                        "new.txt",
                        "CON",
                        "x:y",
                        "a\\b",
                        "PROGRA~1",
                        "dot.",
                        "nul\0",
                        "etc",
                        "root"),
                Arbitraries.strings().withCharRange('a', 'z').ofMinLength(1).ofMaxLength(8));
        Arbitrary<String> relative = segment.list().ofMinSize(1).ofMaxSize(8).map(s -> String.join("/", s));
        return Arbitraries.oneOf(
                relative,
                relative.map(r -> temp.resolve("outside") + "/" + r),
                relative.map(r -> temp.resolve("root") + "/" + r),
                relative.map(r -> "/" + r));
    }

    @Property(tries = 400)
    void noGeneratedPathReadsOutsideTheRoot(@ForAll("hostilePaths") String path) {
        for (String tool : List.of("fs.read", "fs.list", "fs.stat")) {
            assertInsideOrRefused(tool, Sandboxes.args().put("path", path));
        }
        box.canary.assertUnchanged();
    }

    @Property(tries = 400)
    void noGeneratedPathWritesOutsideTheRoot(@ForAll("hostilePaths") String path) {
        assertInsideOrRefused(
                "fs.write",
                Sandboxes.args().put("path", path).put("content", "generated").put("mode", "overwrite"));
        assertInsideOrRefused(
                "fs.mkdir", Sandboxes.args().put("path", path + "/made").put("parents", true));
        assertInsideOrRefused("fs.move", Sandboxes.args().put("from", path).put("to", "moved-" + path.hashCode()));
        assertInsideOrRefused("fs.delete", Sandboxes.args().put("path", path).put("recursive", true));
        box.canary.assertUnchanged();
    }

    private static void assertInsideOrRefused(String tool, ObjectNode args) {
        try {
            JsonNode out = box.call(tool, args);
            CanaryTree.assertNotLeaked(out.toString());
        } catch (ToolException e) {
            assertThat(e.code()).isNotEqualTo("internal");
            CanaryTree.assertNotLeaked(e.getMessage());
        }
    }
}
