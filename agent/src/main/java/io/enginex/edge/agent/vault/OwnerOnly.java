package io.enginex.edge.agent.vault;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/** Reading and writing the vault's owner-only files: refused when others could read them, replaced atomically. */
final class OwnerOnly {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE);

    private OwnerOnly() {}

    /**
     * Reads {@code file} after checking that only its owner may read or write it (where the file
     * system has POSIX permissions).
     *
     * @param what names the file in the message, e.g. {@code vault file}
     * @throws VaultException naming the fix when others may read it, or when it cannot be read
     */
    static byte[] read(Path file, String what) {
        try {
            if (Files.isSymbolicLink(file)) {
                throw new VaultException(what + " " + file + " is a symbolic link; the agent only opens a regular"
                        + " file there. Remove the link (enginex-agent secrets wipe) and set the secrets again");
            }
            if (posix(file)) {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file, LinkOption.NOFOLLOW_LINKS);
                if (perms.stream().anyMatch(OTHERS::contains)) {
                    throw new VaultException(what + " " + file + " may be read or changed by other users (mode "
                            + PosixFilePermissions.toString(perms) + "); the agent refuses to use it. Fix: chmod 600 "
                            + file + " — and if someone else may have copied it, run enginex-agent secrets wipe and"
                            + " set the secrets again");
                }
            }
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VaultException(
                    "cannot read " + what + " " + file + " (" + e.getClass().getSimpleName()
                            + "); run as the agent's user, or with sudo for the service's state folder",
                    e);
        }
    }

    /**
     * Replaces {@code file} with {@code content} so that a reader sees the old file or the new one,
     * never a part: an owner-only temporary file in the same folder, written and forced to disk, then
     * renamed over it. Nothing is left behind on failure.
     */
    static void replace(Path file, byte[] content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = posix(dir)
                ? Files.createTempFile(
                        dir,
                        "." + file.getFileName() + "-",
                        ".tmp",
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
                : Files.createTempFile(dir, "." + file.getFileName() + "-", ".tmp");
        try {
            try (FileChannel out =
                    FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                var buffer = java.nio.ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(true);
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static boolean posix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
