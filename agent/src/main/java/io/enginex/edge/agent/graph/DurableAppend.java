package io.enginex.edge.agent.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * Appends bytes to a file and forces them to the disk before returning: what the run journal and the
 * sync records (runs, output files, audit records the hub has) are written with, so a line that was
 * appended survives a crash or a power cut; and reads such a file's complete lines back. One writer per
 * file; the caller serialises.
 */
public final class DurableAppend {
    private DurableAppend() {}

    /** Creates the file's folder and the file when missing; then appends {@code bytes} and syncs them. */
    public static void to(Path file, byte[] bytes) throws IOException {
        Files.createDirectories(file.getParent());
        try (FileChannel out = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes);
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(false);
        }
    }

    /**
     * The file's complete, non-blank lines, oldest first. A torn last line (no newline after it: the
     * append it belonged to never completed) is left out.
     *
     * @throws IOException when the file cannot be read (a missing file too)
     */
    public static List<String> completeLines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        return end < 0
                ? List.of()
                : text.substring(0, end).lines().filter(l -> !l.isBlank()).toList();
    }
}
