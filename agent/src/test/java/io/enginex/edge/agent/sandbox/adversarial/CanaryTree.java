package io.enginex.edge.agent.sandbox.adversarial;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * A tree outside every root with recognisable content. {@link #snapshot} records every entry (type,
 * size, modification time, SHA-256 of files, link targets); {@link #assertUnchanged} proves nothing
 * outside was created, changed or deleted, and {@link #assertNotLeaked} that no canary content
 * reached an output or message.
 */
final class CanaryTree {
    static final String SECRET = "CANARY-7f3a-DO-NOT-LEAK";

    private final Path dir;
    private final Map<String, String> before;

    CanaryTree(Path dir) throws IOException {
        this.dir = Files.createDirectories(dir);
        Files.writeString(dir.resolve("secret.txt"), SECRET + " secret\n");
        Files.writeString(dir.resolve("passwd"), SECRET + " passwd\n");
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("sub").resolve("deep.txt"), SECRET + " deep\n");
        Files.createDirectories(dir.resolve(".ssh"));
        Files.writeString(dir.resolve(".ssh").resolve("id_ed25519"), SECRET + " key\n");
        this.before = snapshot();
    }

    Path dir() {
        return dir;
    }

    Path file(String name) {
        return dir.resolve(name);
    }

    Map<String, String> snapshot() {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.forEach(p -> entries.put(dir.relativize(p).toString(), describe(p)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    void assertUnchanged() {
        assertThat(snapshot()).as("the canary tree outside the roots").isEqualTo(before);
    }

    static void assertNotLeaked(String text) {
        assertThat(text == null ? "" : text).doesNotContain(SECRET);
    }

    private static String describe(Path p) {
        try {
            if (Files.isSymbolicLink(p)) {
                return "link->" + Files.readSymbolicLink(p);
            }
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                return "dir " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS);
            }
            byte[] bytes = Files.readAllBytes(p);
            return "file " + bytes.length + " " + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS) + " "
                    + HexFormat.of()
                            .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
