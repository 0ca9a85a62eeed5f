package io.enginex.edge.server.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The configurations docs/DEPLOY.md gives, read from the file itself, so that the tests run what a
 * reader copies. The build passes the docs folder as the system property {@code enginex.docs}.
 */
public final class DeployGuide {
    private DeployGuide() {}

    /**
     * The one fenced code block of docs/DEPLOY.md that contains {@code marker}.
     *
     * @throws AssertionError when no block or more than one contains it
     */
    public static Snippet snippet(String marker) {
        String docs = System.getProperty("enginex.docs", "../docs");
        Path file = Path.of(docs, "DEPLOY.md");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (the build sets -Denginex.docs)", e);
        }
        List<String> blocks = new ArrayList<>();
        String[] parts = text.split("\n```");
        // Odd parts are the blocks' insides: the language on the first line, then the text.
        for (int i = 1; i < parts.length; i += 2) {
            String block = parts[i];
            String body = block.substring(block.indexOf('\n') + 1);
            if (body.contains(marker)) {
                blocks.add(body.endsWith("\n") ? body : body + "\n");
            }
        }
        if (blocks.size() != 1) {
            throw new AssertionError(file + " has " + blocks.size() + " code blocks containing \"" + marker
                    + "\"; the test expects exactly one");
        }
        return new Snippet(blocks.get(0));
    }

    /** A configuration from the guide, with the test's addresses and paths put in. Immutable. */
    public record Snippet(String text) {
        /**
         * The snippet with {@code from} replaced by {@code to}.
         *
         * @throws AssertionError naming what is missing, when the guide no longer has {@code from}: the
         *     test's substitutions must follow the guide
         */
        public Snippet replace(String from, String to) {
            if (!text.contains(from)) {
                throw new AssertionError("docs/DEPLOY.md's snippet no longer contains \"" + from
                        + "\"; update the test's substitutions to match it:\n" + text);
            }
            return new Snippet(text.replace(from, to));
        }

        /** The snippet without the lines that contain {@code fragment} (the guide's example servers). */
        public Snippet withoutLinesContaining(String fragment) {
            if (!text.contains(fragment)) {
                throw new AssertionError("docs/DEPLOY.md's snippet has no line with \"" + fragment + "\":\n" + text);
            }
            StringBuilder kept = new StringBuilder();
            text.lines()
                    .filter(line -> !line.contains(fragment))
                    .forEach(line -> kept.append(line).append('\n'));
            return new Snippet(kept.toString());
        }
    }
}
