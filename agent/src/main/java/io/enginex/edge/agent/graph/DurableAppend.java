package io.enginex.edge.agent.graph;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends bytes to a file and forces them to the disk before returning: what the run journal and the
 * sync records (runs, output files, audit records the hub has) are written with, so a line that was
 * appended survives a crash or a power cut. One writer per file; the caller serialises.
 */
final class DurableAppend {
    private DurableAppend() {}

    /** Creates the file's folder and the file when missing; then appends {@code bytes} and syncs them. */
    static void to(Path file, byte[] bytes) throws IOException {
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
}
