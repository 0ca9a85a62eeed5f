package io.enginex.edge.agent.sandbox;

import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * One folder the file tools may see. Every path a tool receives goes through {@link #resolve}, which
 * returns the real path (symbolic links followed) only when that real path lies inside the root's
 * real path.
 *
 * <p>Order of checks: NUL bytes and malformed paths are refused; the path is joined to the root and
 * normalised, and a {@code ..} or absolute path that leaves the root is refused before the file
 * system is touched (so nothing outside is even probed); then {@link Path#toRealPath} resolves links
 * and the result must start with the root's real path. Refusals never name the real path.
 *
 * <p>Thread-safe and immutable.
 */
public final class FileRoot {
    private final Path root;

    /**
     * @throws IllegalArgumentException when {@code folder} is not an existing directory
     */
    public FileRoot(Path folder) {
        Objects.requireNonNull(folder, "folder");
        try {
            this.root = folder.toRealPath();
        } catch (IOException e) {
            throw new IllegalArgumentException(
                    "--root " + folder + " does not exist or cannot be read ("
                            + e.getClass().getSimpleName() + "); pass an existing folder",
                    e);
        }
        if (!Files.isDirectory(root)) {
            throw new IllegalArgumentException("--root " + folder + " is not a folder; pass a folder");
        }
    }

    /** The root's real path. */
    public Path path() {
        return root;
    }

    /**
     * Resolves {@code given} (relative to the root, or absolute inside it) to a real path inside the
     * root.
     *
     * @throws SandboxException {@code invalid_arguments} for NUL bytes or a malformed path, {@code
     *     path_outside_root} when the path or its link target leaves the root, {@code not_found} when
     *     nothing exists there
     */
    public Path resolve(String given) {
        if (given == null) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, "path is required");
        }
        if (given.indexOf('\0') >= 0) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, "path " + quote(given) + " contains a NUL byte");
        }
        Path candidate;
        try {
            Path p = root.getFileSystem().getPath(given.isEmpty() ? "." : given);
            candidate = (p.isAbsolute() ? p : root.resolve(p)).normalize();
        } catch (InvalidPathException e) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, "path " + quote(given) + " is not a valid path");
        }
        if (!candidate.startsWith(root)) {
            throw outside(given);
        }
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file or folder at " + quote(given));
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.NOT_FOUND,
                    "cannot access " + quote(given) + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!real.startsWith(root)) {
            throw outside(given); // a symbolic link on the way leads out of the root
        }
        return real;
    }

    /**
     * Opens the regular file at {@code given} for reading, after {@link #resolve} and without
     * following a link at the last step; then checks again that the path still leads to the file
     * that was checked, to narrow the window in which someone swaps a link in.
     *
     * @throws SandboxException as {@link #resolve}, or {@code invalid_arguments} when it is not a
     *     regular file (a folder, a device, a pipe that would block)
     */
    public OpenFile openForRead(String given) {
        Path real = resolve(given);
        BasicFileAttributes before = attributes(real, given);
        if (before.isDirectory()) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, quote(given) + " is a folder; use fs.list");
        }
        if (!before.isRegularFile()) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, quote(given) + " is not a regular file");
        }
        SeekableByteChannel channel;
        try {
            channel = Files.newByteChannel(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file at " + quote(given));
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot open " + quote(given) + " (" + e.getClass().getSimpleName() + ")");
        }
        try {
            Path again = resolve(given);
            BasicFileAttributes after = attributes(again, given);
            if (!again.equals(real) || !sameFile(before, after)) {
                throw outside(given);
            }
            return new OpenFile(real, channel, after.size());
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    /** The attributes of a resolved path, not following a final link. */
    public BasicFileAttributes attributes(Path real, String given) {
        try {
            return Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file or folder at " + quote(given));
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot read " + quote(given) + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Lists a resolved folder; the caller closes the stream. */
    public java.nio.file.DirectoryStream<Path> openDirectory(Path real, String given) {
        try {
            return Files.newDirectoryStream(real);
        } catch (NotDirectoryException e) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, quote(given) + " is a file; use fs.read");
        } catch (NoSuchFileException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no folder at " + quote(given));
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot list " + quote(given) + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
        Object keyA = a.fileKey();
        Object keyB = b.fileKey();
        // Windows has no file keys; there the path re-check above is what we have.
        return keyA == null || keyB == null || keyA.equals(keyB);
    }

    private static SandboxException outside(String given) {
        return new SandboxException(
                ErrorCodes.PATH_OUTSIDE_ROOT, "path " + quote(given) + " is outside the folder this agent shares");
    }

    static String quote(String given) {
        String shown = given.length() > 200 ? given.substring(0, 200) + "…" : given;
        return '"' + shown.replace("\0", "\\0") + '"';
    }

    private static void closeQuietly(SeekableByteChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // Nothing was read from it.
        }
    }

    /**
     * A file opened by {@link #openForRead}. Close it.
     *
     * @param size size in bytes when it was opened
     */
    public record OpenFile(Path path, SeekableByteChannel channel, long size) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
