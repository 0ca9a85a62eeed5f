package io.enginex.edge.server.update;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.tuf.TufJson;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the update repository keeps its files, and how they are read and written:
 *
 * <pre>
 * updates/
 *   metadata/   1.root.json 2.root.json … root.json (the newest root), N.targets.json, N.snapshot.json,
 *               timestamp.json — what TUF clients fetch (consistent snapshots: every version stays)
 *   targets/    releases/1.4.0/linux-x64/&lt;sha256&gt;.&lt;file&gt;, channels/&lt;sha256&gt;.stable.json
 *   keys/       targets.key snapshot.key timestamp.key (online keys, owner-only)
 *   repository.json (expiries), release-log.jsonl (every release action), .lock
 * </pre>
 *
 * Public files are world-readable (the hub's service account serves what an administrator wrote) and
 * replaced atomically; timestamp.json is written last, so a client sees a change whole or not at all.
 * Writers hold {@link #locked}: a file lock between processes (the CLI, the hub's refresh) and a
 * {@link ReentrantLock} between threads of one process.
 */
final class RepositoryFiles {
    private static final boolean POSIX =
            FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Pattern VERSIONED = Pattern.compile("(\\d+)\\.(root|targets|snapshot)\\.json");

    private final Path dir;
    private final ReentrantLock lock = new ReentrantLock();

    RepositoryFiles(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    Path dir() {
        return dir;
    }

    Path metadata() {
        return dir.resolve("metadata");
    }

    Path targets() {
        return dir.resolve("targets");
    }

    Path keys() {
        return dir.resolve("keys");
    }

    Path config() {
        return dir.resolve("repository.json");
    }

    Path log() {
        return dir.resolve("release-log.jsonl");
    }

    /** Creates {@code dir} if missing and restricts it to its owner (key directories). */
    static void ownerOnlyDir(Path dir) throws IOException {
        io.enginex.edge.server.auth.OwnerOnlyFiles.directory(dir);
    }

    boolean exists() {
        return Files.exists(metadata().resolve("1.root.json"));
    }

    <T> T locked(Supplier<T> work) {
        lock.lock();
        try {
            Files.createDirectories(dir);
            try (FileChannel channel =
                    FileChannel.open(dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                FileLock held = channel.lock();
                try {
                    return work.get();
                } finally {
                    held.release();
                }
            }
        } catch (IOException e) {
            throw new ReleaseException("cannot lock the update repository " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
    }

    ObjectNode readMetadata(String name) {
        Path file = metadata().resolve(name);
        try {
            return TufJson.parse(Files.readAllBytes(file), file.toString());
        } catch (NoSuchFileException e) {
            throw new ReleaseException("the update repository has no " + file
                    + (exists()
                            ? "; it is damaged: restore it from a backup or an export"
                            : "; make it with engine release keys init"));
        } catch (IOException e) {
            throw new ReleaseException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The highest N of the N.root.json files. */
    int newestRootVersion() {
        int newest = 0;
        try (Stream<Path> files = Files.list(metadata())) {
            for (Path f : files.toList()) {
                Matcher m = VERSIONED.matcher(f.getFileName().toString());
                if (m.matches() && m.group(2).equals("root")) {
                    newest = Math.max(newest, Integer.parseInt(m.group(1)));
                }
            }
        } catch (IOException e) {
            throw new ReleaseException("cannot list " + metadata() + ": " + e.getMessage(), e);
        }
        if (newest == 0) {
            throw new ReleaseException("no update repository at " + dir + "; make one with engine release keys init");
        }
        return newest;
    }

    /** Writes {@code bytes} to {@code file} (world-readable) through a temporary file and an atomic move. */
    void writePublic(Path file, byte[] bytes) {
        try {
            Files.createDirectories(file.getParent());
            Path temp = Files.createTempFile(file.getParent(), "." + file.getFileName(), ".tmp");
            try {
                Files.write(temp, bytes);
                if (POSIX) {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
                }
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(temp);
            }
        } catch (IOException e) {
            throw new ReleaseException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    void writeMetadata(String name, JsonNode envelope) {
        writePublic(metadata().resolve(name), TufJson.file(envelope));
    }

    /** Appends one line to the release log (who ran which release action, and when). */
    void logAction(ObjectNode entry) {
        try {
            Files.write(
                    log(),
                    (TufJson.MAPPER.writeValueAsString(entry) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new ReleaseException("cannot append to " + log() + ": " + e.getMessage(), e);
        }
    }
}
