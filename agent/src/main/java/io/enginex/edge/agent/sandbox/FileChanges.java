package io.enginex.edge.agent.sandbox;

import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The changes file tools make inside a writable {@link FileRoot}: write (atomically through a temp
 * file and rename), make folders, move and delete. Each works on the parent folder opened by a
 * link-free walk from the root, and on the last name without following it, so a write never follows
 * a link out of the root and a delete removes a link, never what it points to.
 *
 * <p>Stateless and thread-safe.
 */
public final class FileChanges {
    /** How {@link #write} treats an existing file. */
    public enum WriteMode {
        CREATE,
        OVERWRITE,
        APPEND
    }

    private FileChanges() {}

    /**
     * Writes {@code data} to {@code given}: into a new temp file next to it, then renamed over it.
     *
     * @return the file's size afterwards
     * @throws SandboxException {@code blocked_by_policy} when read-only, denied or over the write cap,
     *     {@code invalid_arguments} when it exists (create) or is a folder or link
     */
    public static long write(FileRoot root, String given, byte[] data, WriteMode mode) {
        FileRoot.Target target = root.resolveParent(given);
        SecureDirectoryStream<Path> parent = root.openParent(target.path(), given);
        Path name = target.path().getFileName();
        Path temp = name.resolveSibling(".enginex-" + UUID.randomUUID() + ".tmp");
        try {
            Optional<BasicFileAttributes> existing =
                    parent == null ? fallbackAttributes(target.path()) : FileRoot.attributesIn(parent, name);
            if (existing.isPresent()) {
                BasicFileAttributes a = existing.get();
                if (mode == WriteMode.CREATE) {
                    throw new SandboxException(
                            ErrorCodes.INVALID_ARGUMENTS,
                            FileRoot.quote(given) + " already exists; use mode overwrite or append");
                }
                if (a.isSymbolicLink()) {
                    throw new SandboxException(
                            ErrorCodes.PATH_OUTSIDE_ROOT,
                            FileRoot.quote(given) + " is a symbolic link; writes never follow links");
                }
                if (!a.isRegularFile()) {
                    throw new SandboxException(
                            ErrorCodes.INVALID_ARGUMENTS, FileRoot.quote(given) + " is not a regular file");
                }
                root.refuseHardLinks(target.path(), given);
            }
            long prior = mode == WriteMode.APPEND && existing.isPresent()
                    ? existing.get().size()
                    : 0;
            long size = prior + data.length;
            if (size > root.limits().maxWriteBytes()) {
                throw new SandboxException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "writing " + FileRoot.quote(given) + " would make it " + size + " bytes, over the write cap of "
                                + root.limits().maxWriteBytes() + " (limits from "
                                + root.limits().source() + ")");
            }
            Set<OpenOption> create =
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
            try (SeekableByteChannel out = parent == null
                    ? Files.newByteChannel(target.parent().resolve(temp), create)
                    : parent.newByteChannel(temp, create)) {
                if (prior > 0) {
                    try (SeekableByteChannel in = parent == null
                            ? Files.newByteChannel(target.path(), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)
                            : parent.newByteChannel(name, Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS))) {
                        copy(in, out, prior);
                    }
                }
                ByteBuffer buffer = ByteBuffer.wrap(data);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
            }
            if (mode == WriteMode.CREATE
                    && (parent == null ? fallbackAttributes(target.path()) : FileRoot.attributesIn(parent, name))
                            .isPresent()) {
                throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, FileRoot.quote(given) + " already exists");
            }
            if (parent == null) {
                Files.move(
                        target.parent().resolve(temp),
                        target.path(),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } else {
                parent.move(temp, parent, name); // renameat: atomic, replaces, does not follow
            }
            return size;
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot write " + FileRoot.quote(given) + " ("
                            + e.getClass().getSimpleName() + ")");
        } finally {
            deleteQuietly(parent, target.parent(), temp);
            if (parent != null) {
                SecureWalk.close(parent);
            }
        }
    }

    /**
     * Creates the folder {@code given}; with {@code parents}, also the missing folders above it.
     *
     * @return true when it was created, false when it already existed
     */
    public static boolean mkdir(FileRoot root, String given, boolean parents) {
        root.requireWrite(given);
        if (parents) {
            PathInput.check(given);
            Path p = root.path().getFileSystem().getPath(given).normalize();
            if (p.isAbsolute()) {
                if (!p.startsWith(root.path())) {
                    throw FileRoot.outside(given);
                }
                p = root.path().relativize(p);
            }
            if (p.startsWith("..")) {
                throw FileRoot.outside(given);
            }
            List<String> chain = new ArrayList<>();
            for (int i = 1; i <= p.getNameCount(); i++) {
                chain.add(p.subpath(0, i).toString());
            }
            boolean created = false;
            for (String step : chain) {
                created = mkdirOne(root, step, true);
            }
            return created;
        }
        return mkdirOne(root, given, false);
    }

    private static boolean mkdirOne(FileRoot root, String given, boolean existingOk) {
        FileRoot.Target target;
        try {
            target = root.resolveParent(given);
        } catch (SandboxException e) {
            if (ErrorCodes.NOT_FOUND.equals(e.code())) {
                throw new SandboxException(
                        ErrorCodes.NOT_FOUND,
                        "the folder above " + FileRoot.quote(given) + " does not exist; pass parents:true");
            }
            throw e;
        }
        try {
            Files.createDirectory(target.path());
        } catch (FileAlreadyExistsException e) {
            if (existingOk && Files.isDirectory(target.path(), LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, FileRoot.quote(given) + " already exists");
        } catch (NoSuchFileException e) {
            throw new SandboxException(
                    ErrorCodes.NOT_FOUND,
                    "the folder above " + FileRoot.quote(given) + " does not exist; pass parents:true");
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot create " + FileRoot.quote(given) + " ("
                            + e.getClass().getSimpleName() + ")");
        }
        // mkdir has no openat form in Java: prove afterwards that the new folder is where it was checked.
        try {
            if (!target.path().toRealPath().startsWith(root.path())) {
                Files.deleteIfExists(target.path());
                throw FileRoot.outside(given);
            }
        } catch (IOException e) {
            throw FileRoot.outside(given);
        }
        return true;
    }

    /**
     * Moves (renames) {@code from} to {@code to}, both in {@code root}; a link is moved as a link.
     *
     * @throws SandboxException {@code invalid_arguments} when {@code to} exists and {@code overwrite}
     *     is false
     */
    public static void move(FileRoot from, String givenFrom, FileRoot to, String givenTo, boolean overwrite) {
        FileRoot.Target source = from.resolveParent(givenFrom);
        FileRoot.Target dest = to.resolveParent(givenTo);
        if (dest.path().startsWith(source.path())) {
            throw new SandboxException(
                    ErrorCodes.INVALID_ARGUMENTS, "cannot move " + FileRoot.quote(givenFrom) + " into itself");
        }
        SecureDirectoryStream<Path> sourceParent = from.openParent(source.path(), givenFrom);
        SecureDirectoryStream<Path> destParent = to.openParent(dest.path(), givenTo);
        try {
            Path sourceName = source.path().getFileName();
            Path destName = dest.path().getFileName();
            if (sourceParent == null || destParent == null) {
                if (!overwrite && Files.exists(dest.path(), LinkOption.NOFOLLOW_LINKS)) {
                    throw exists(givenTo);
                }
                Files.move(source.path(), dest.path(), StandardCopyOption.ATOMIC_MOVE, LinkOption.NOFOLLOW_LINKS);
                return;
            }
            if (FileRoot.attributesIn(sourceParent, sourceName).isEmpty()) {
                throw new SandboxException(ErrorCodes.NOT_FOUND, "no file or folder at " + FileRoot.quote(givenFrom));
            }
            Optional<BasicFileAttributes> existing = FileRoot.attributesIn(destParent, destName);
            if (existing.isPresent() && (!overwrite || existing.get().isDirectory())) {
                throw exists(givenTo);
            }
            refuseDeniedInside(from, source.path(), givenFrom, 100_000);
            sourceParent.move(sourceName, destParent, destName);
        } catch (NoSuchFileException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file or folder at " + FileRoot.quote(givenFrom));
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot move " + FileRoot.quote(givenFrom) + " ("
                            + e.getClass().getSimpleName() + ")");
        } finally {
            if (sourceParent != null) {
                SecureWalk.close(sourceParent);
            }
            if (destParent != null) {
                SecureWalk.close(destParent);
            }
        }
    }

    /**
     * Deletes {@code given}: a file, a link (never its target), or a folder (with {@code recursive},
     * its contents too, without following links; at most {@code maxEntries}).
     *
     * @return entries deleted
     */
    public static int delete(FileRoot root, String given, boolean recursive, int maxEntries, BooleanSupplier stop) {
        FileRoot.Target target = root.resolveParent(given);
        SecureDirectoryStream<Path> parent = root.openParent(target.path(), given);
        if (parent == null) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED, "fs.delete needs secure directory streams, which this platform lacks");
        }
        try {
            if (recursive) {
                refuseDeniedInside(root, target.path(), given, maxEntries);
            }
            return deleteIn(parent, target.path().getFileName(), given, recursive, new int[] {maxEntries}, stop);
        } finally {
            SecureWalk.close(parent);
        }
    }

    private static int deleteIn(
            SecureDirectoryStream<Path> parent,
            Path name,
            String given,
            boolean recursive,
            int[] budget,
            BooleanSupplier stop) {
        Optional<BasicFileAttributes> attrs = FileRoot.attributesIn(parent, name);
        if (attrs.isEmpty()) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file or folder at " + FileRoot.quote(given));
        }
        if (stop.getAsBoolean()) {
            throw new SandboxException(ErrorCodes.CANCELLED, "stopped while deleting " + FileRoot.quote(given));
        }
        if (--budget[0] < 0) {
            throw new SandboxException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    FileRoot.quote(given) + " has too many entries to delete in one call");
        }
        try {
            if (!attrs.get().isDirectory()) {
                parent.deleteFile(name);
                return 1;
            }
            int count = 0;
            if (recursive) {
                try (SecureDirectoryStream<Path> folder = parent.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS)) {
                    List<Path> children = new ArrayList<>();
                    folder.forEach(c -> children.add(c.getFileName()));
                    for (Path child : children) {
                        count += deleteIn(folder, child, given, true, budget, stop);
                    }
                }
            }
            parent.deleteDirectory(name);
            return count + 1;
        } catch (DirectoryNotEmptyException e) {
            throw new SandboxException(
                    ErrorCodes.INVALID_ARGUMENTS,
                    FileRoot.quote(given) + " is a folder that is not empty; pass recursive:true");
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot delete " + FileRoot.quote(given) + " ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    /**
     * Refuses when a folder holds anything a deny rule matches: moving the folder could carry a secret
     * to a name no rule covers, and deleting it would touch what policy says no tool may touch.
     * Links are not followed; nothing is done for a file.
     */
    static void refuseDeniedInside(FileRoot root, Path folder, String given, int maxEntries) {
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int[] seen = {0};
        try {
            Files.walkFileTree(folder, new java.nio.file.SimpleFileVisitor<>() {
                @Override
                public java.nio.file.FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    return check(dir);
                }

                @Override
                public java.nio.file.FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    return check(file);
                }

                private java.nio.file.FileVisitResult check(Path p) {
                    if (++seen[0] > maxEntries) {
                        throw new SandboxException(
                                ErrorCodes.BLOCKED_BY_POLICY,
                                FileRoot.quote(given) + " has too many entries for one call");
                    }
                    if (root.isDenied(p)) {
                        throw new SandboxException(
                                ErrorCodes.BLOCKED_BY_POLICY,
                                FileRoot.quote(given) + " holds a path a deny rule covers; move or delete the rest"
                                        + " one by one");
                    }
                    return java.nio.file.FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot look inside " + FileRoot.quote(given) + " ("
                            + e.getClass().getSimpleName() + ")");
        }
    }

    private static SandboxException exists(String given) {
        return new SandboxException(
                ErrorCodes.INVALID_ARGUMENTS,
                FileRoot.quote(given) + " already exists; pass overwrite:true to replace a file");
    }

    private static Optional<BasicFileAttributes> fallbackAttributes(Path path) {
        try {
            return Optional.of(Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static void copy(SeekableByteChannel in, SeekableByteChannel out, long bytes) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        long left = bytes;
        while (left > 0) {
            buffer.clear().limit((int) Math.min(buffer.capacity(), left));
            int n = in.read(buffer);
            if (n < 0) {
                break;
            }
            buffer.flip();
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
            left -= n;
        }
    }

    private static void deleteQuietly(SecureDirectoryStream<Path> parent, Path parentPath, Path temp) {
        try {
            if (parent != null) {
                parent.deleteFile(temp);
            } else {
                Files.deleteIfExists(parentPath.resolve(temp));
            }
        } catch (IOException ignored) {
            // Already renamed into place, or never created.
        }
    }
}
