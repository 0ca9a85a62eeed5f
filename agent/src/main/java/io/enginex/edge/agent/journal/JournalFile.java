package io.enginex.edge.agent.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The journal's bytes on disk: an append-only file of JSON lines, each append forced to the device,
 * and an atomic rewrite for compaction. A sibling {@code .lock} file is held exclusively for the
 * file's lifetime, so two agent processes never share a journal. Not thread-safe: {@link JobJournal}
 * uses it from its writer thread only (and while opening and closing).
 */
final class JournalFile implements AutoCloseable {
    private final Path file;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private FileChannel channel;

    private JournalFile(Path file, FileChannel lockChannel, FileLock lock) throws IOException {
        this.file = file;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.channel = openAppend(file);
    }

    /**
     * Opens (creating) the file and takes its lock.
     *
     * @throws IllegalStateException when another process holds the lock
     */
    static JournalFile open(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
        FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = lockChannel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new JournalLockedException("another enginex-agent is already running with the state directory "
                    + file.getParent() + " (its journal is locked); stop it first, or pass a different --state-dir");
        }
        try {
            return new JournalFile(file, lockChannel, lock);
        } catch (IOException | RuntimeException e) {
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    Path path() {
        return file;
    }

    /** The file's complete lines, and whether a trailing partial line (a torn write) was seen. */
    Lines readLines() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        int start = 0;
        int newline;
        while ((newline = text.indexOf('\n', start)) >= 0) {
            String line = text.substring(start, newline);
            if (!line.isBlank()) {
                lines.add(line);
            }
            start = newline + 1;
        }
        return new Lines(lines, start < text.length(), text.length());
    }

    /** Appends lines in one write and forces them to the device, once, before returning. */
    void append(List<String> lines) throws IOException {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append(line).append('\n');
        }
        ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.force(false);
    }

    /** Replaces the whole file with {@code lines}, atomically: a crash leaves the old or the new file. */
    void rewrite(List<String> lines) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.deleteIfExists(temp);
        createOwnerOnly(temp);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            StringBuilder text = new StringBuilder();
            for (String line : lines) {
                text.append(line).append('\n');
            }
            ByteBuffer buffer = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8));
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            out.force(true);
        }
        channel.close();
        try {
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            channel = openAppend(file);
        }
    }

    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            lock.release();
            lockChannel.close();
        }
    }

    private static FileChannel openAppend(Path file) throws IOException {
        if (!Files.exists(file)) {
            createOwnerOnly(file);
        }
        return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Job outputs can hold file content, so the journal is as private as the identity. */
    private static void createOwnerOnly(Path path) throws IOException {
        if (path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            FileAttribute<?> ownerOnly =
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));
            Files.createFile(path, ownerOnly);
        } else {
            Files.createFile(path);
        }
    }

    /**
     * @param torn whether the file ended in a partial line (the process died mid-write)
     * @param chars length of the file in characters
     */
    record Lines(List<String> lines, boolean torn, long chars) {}
}
