package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.tools.ToolException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Properties over generated paths built from the names an attacker would combine ({@code ..}, links
 * out, the canary's own names, Windows forms, NUL): whatever the path, a call either is refused with a
 * typed code or succeeds on something inside the root; no output ever carries canary content, and the
 * canary tree is unchanged after every try.
 *
 * <p>The paths come from a seeded generator: each run draws a new seed (or takes {@code
 * -Dsandbox.seed=N}), and a failure names the seed and the path, so it is reproduced with that seed.
 * (This was a jqwik property test; jqwik 1.10 asks AI agents not to use it, and this project is
 * written with them, so it uses plain JUnit.)
 */
class SandboxPropertiesTest {
    private static final int TRIES = 400;
    private static final long SEED = Long.getLong("sandbox.seed", new SecureRandom().nextLong());
    private static final List<String> NAMES = List.of(
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
            "root");

    private static Path temp;
    private static Sandboxes box;

    @BeforeAll
    static void layout() throws IOException {
        temp = Files.createTempDirectory("enginex-props");
        box = new Sandboxes(temp, FileRoot.NONE);
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (Stream<Path> walk = Files.walk(temp)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /** Runs {@code property} on {@value #TRIES} hostile paths; a failure names the seed and the path. */
    private static void forHostilePaths(Consumer<String> property) {
        Random random = new Random(SEED);
        for (int i = 0; i < TRIES; i++) {
            String path = hostilePath(random);
            try {
                property.accept(path);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError(
                        "case " + i + " of seed " + SEED + " (rerun with -Dsandbox.seed=" + SEED + "), path "
                                + path.replace("\0", "\\0") + ": " + e.getMessage(),
                        e);
            }
        }
    }

    /** 1 to 8 segments, relative, or under the outside tree, the root, or /. */
    private static String hostilePath(Random random) {
        List<String> segments = new ArrayList<>();
        for (int n = 1 + random.nextInt(8); n > 0; n--) {
            segments.add(random.nextBoolean() ? NAMES.get(random.nextInt(NAMES.size())) : letters(random));
        }
        String relative = String.join("/", segments);
        return switch (random.nextInt(4)) {
            case 0 -> relative;
            case 1 -> temp.resolve("outside") + "/" + relative;
            case 2 -> temp.resolve("root") + "/" + relative;
            default -> "/" + relative;
        };
    }

    private static String letters(Random random) {
        char[] name = new char[1 + random.nextInt(8)];
        for (int i = 0; i < name.length; i++) {
            name[i] = (char) ('a' + random.nextInt(26));
        }
        return new String(name);
    }

    @Test
    void noGeneratedPathReadsOutsideTheRoot() {
        forHostilePaths(path -> {
            for (String tool : List.of("fs.read", "fs.list", "fs.stat")) {
                assertInsideOrRefused(tool, Sandboxes.args().put("path", path));
            }
            box.canary.assertUnchanged();
        });
    }

    @Test
    void noGeneratedPathWritesOutsideTheRoot() {
        forHostilePaths(path -> {
            assertInsideOrRefused(
                    "fs.write",
                    Sandboxes.args()
                            .put("path", path)
                            .put("content", "generated")
                            .put("mode", "overwrite"));
            assertInsideOrRefused(
                    "fs.mkdir", Sandboxes.args().put("path", path + "/made").put("parents", true));
            assertInsideOrRefused("fs.move", Sandboxes.args().put("from", path).put("to", "moved-" + path.hashCode()));
            assertInsideOrRefused(
                    "fs.delete", Sandboxes.args().put("path", path).put("recursive", true));
            box.canary.assertUnchanged();
        });
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
