package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.sandbox.FileRoot;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Links swapped in between the check and the use, and what deleting or moving a link does. The swap
 * happens deterministically in the sandbox's checkpoint, right after the path was checked.
 */
class SwapAndLinkTest {
    @TempDir
    Path temp;

    /** Replaces the folder {@code docs} with a link to the canary tree, once. */
    private FileRoot.Checkpoint swapDocsForLinkOut(AtomicBoolean swapped) {
        return real -> {
            if (swapped.compareAndSet(false, true)) {
                try {
                    Path docs = temp.resolve("root").resolve("docs");
                    Files.move(docs, temp.resolve("docs-away"));
                    Files.createSymbolicLink(docs, temp.resolve("outside").resolve("sub"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    @ParameterizedTest(name = "{0} after docs became a link out")
    @ValueSource(strings = {"read", "write", "append", "delete", "move", "search"})
    void aLinkSwappedInAfterTheCheckIsNotFollowed(String op) throws Exception {
        AtomicBoolean swapped = new AtomicBoolean();
        Sandboxes box = new Sandboxes(temp, swapDocsForLinkOut(swapped));
        // The canary has sub/deep.txt; the swapped link makes docs/deep.txt name it.
        Files.writeString(temp.resolve("root").resolve("docs").resolve("deep.txt"), "inside twin");
        ObjectNode args = Sandboxes.args();
        String tool = switch (op) {
            case "read" -> {
                args.put("path", "docs/deep.txt");
                yield "fs.read";
            }
            case "write" -> {
                args.put("path", "docs/deep.txt").put("content", "pwned").put("mode", "overwrite");
                yield "fs.write";
            }
            case "append" -> {
                args.put("path", "docs/deep.txt").put("content", "pwned").put("mode", "append");
                yield "fs.write";
            }
            case "delete" -> {
                args.put("path", "docs/deep.txt");
                yield "fs.delete";
            }
            case "move" -> {
                args.put("from", "docs/deep.txt").put("to", "stolen.txt");
                yield "fs.move";
            }
            default -> {
                args.put("path", "docs").put("contains", "CANARY");
                yield "fs.search";
            }
        };

        ToolException refusal = catchThrowableOfType(ToolException.class, () -> box.call(tool, args));
        JsonNode output = refusal == null ? box.call("fs.stat", Sandboxes.args().put("path", "hello.txt")) : null;

        if (!op.equals("search")) {
            assertThat(swapped).isTrue();
            assertThat(refusal)
                    .as("%s through a swapped link must be refused", op)
                    .isNotNull();
            assertThat(refusal.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT);
            CanaryTree.assertNotLeaked(refusal.getMessage());
        } else if (refusal == null) {
            CanaryTree.assertNotLeaked(output.toString());
        }
        box.canary.assertUnchanged();
        assertThat(Files.exists(temp.resolve("root").resolve("stolen.txt"))).isFalse();
    }

    @ParameterizedTest(name = "deleting {0} removes the link, not its target")
    @ValueSource(
            strings = {"link-file", "link-dir", "link-rel", "link-dangling", "link-chain", "link-root", "hard-link"})
    void deletingALinkRemovesOnlyTheLink(String name) throws Exception {
        Sandboxes box = new Sandboxes(temp, FileRoot.NONE);

        box.call("fs.delete", Sandboxes.args().put("path", name).put("recursive", true));

        assertThat(Files.exists(temp.resolve("root").resolve(name), LinkOption.NOFOLLOW_LINKS))
                .isFalse();
        box.canary.assertUnchanged();
    }

    @Test
    void recursiveDeleteOfTheWholeRootContentNeverCrossesALink() throws Exception {
        Sandboxes box = new Sandboxes(temp, FileRoot.NONE);
        Files.createDirectories(temp.resolve("root").resolve("tree").resolve("a"));
        Files.createSymbolicLink(
                temp.resolve("root").resolve("tree").resolve("a").resolve("out"), box.canary.dir());

        JsonNode out =
                box.call("fs.delete", Sandboxes.args().put("path", "tree").put("recursive", true));

        assertThat(out.path("deleted").asInt()).isEqualTo(3);
        box.canary.assertUnchanged();
    }

    @ParameterizedTest(name = "moving {0} moves the link itself")
    @ValueSource(strings = {"link-file", "link-dir", "link-dangling"})
    void movingALinkKeepsItALinkAndReadingItIsStillRefused(String name) throws Exception {
        Sandboxes box = new Sandboxes(temp, FileRoot.NONE);

        box.call("fs.move", Sandboxes.args().put("from", name).put("to", "docs/moved"));
        ToolException refusal = catchThrowableOfType(
                ToolException.class, () -> box.call("fs.read", Sandboxes.args().put("path", "docs/moved")));

        assertThat(Files.isSymbolicLink(temp.resolve("root").resolve("docs").resolve("moved")))
                .isTrue();
        assertThat(refusal.code()).isEqualTo(ErrorCodes.PATH_OUTSIDE_ROOT);
        box.canary.assertUnchanged();
    }

    @ParameterizedTest(name = "{0} of a folder holding a denied path is refused")
    @ValueSource(strings = {"move", "delete"})
    void aFolderHoldingASecretCanNeitherBeMovedNorDeleted(String op) throws Exception {
        Sandboxes box = new Sandboxes(temp, FileRoot.NONE);
        Path home = Files.createDirectories(temp.resolve("root").resolve("home").resolve(".aws"));
        Files.writeString(home.resolve("credentials"), "aws_secret_access_key=inside");
        ObjectNode args = op.equals("move")
                ? Sandboxes.args().put("from", "home").put("to", "innocent")
                : Sandboxes.args().put("path", "home").put("recursive", true);

        ToolException refusal = catchThrowableOfType(
                ToolException.class, () -> box.call(op.equals("move") ? "fs.move" : "fs.delete", args));

        assertThat(refusal.code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(home.resolve("credentials")).exists();
        box.canary.assertUnchanged();
    }

    @Test
    void listingAndSearchingTheRootShowNeitherSecretsNorCanaryContent() throws Exception {
        Sandboxes box = new Sandboxes(temp, FileRoot.NONE);

        JsonNode listing = box.call("fs.list", Sandboxes.args().put("path", "."));
        JsonNode search =
                box.call("fs.search", Sandboxes.args().put("path", ".").put("contains", "e"));

        assertThat(listing.toString()).doesNotContain(".ssh", ".env").contains("hello.txt", "link-dir");
        assertThat(search.toString()).doesNotContain(".ssh", "id_rsa", ".env").contains("hello.txt");
        CanaryTree.assertNotLeaked(listing.toString());
        CanaryTree.assertNotLeaked(search.toString());
        box.canary.assertUnchanged();
    }
}
