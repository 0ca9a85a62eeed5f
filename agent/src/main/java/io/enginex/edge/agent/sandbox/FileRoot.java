package io.enginex.edge.agent.sandbox;

import io.enginex.edge.agent.policy.AccessMode;
import io.enginex.edge.agent.policy.DefaultPolicy;
import io.enginex.edge.agent.policy.DenyRule;
import io.enginex.edge.agent.policy.Limits;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One folder the file tools may use, with its access mode, the deny rules and the size caps of the
 * effective policy. Every path a tool receives goes through {@link #resolve} (existing things) or
 * {@link #resolveParent} (things to create), which return real paths inside the root or refuse.
 *
 * <p>Order of checks: {@link PathInput} refuses hostile strings (NUL, Windows forms, over-long);
 * the path is joined to the root and normalised, and a {@code ..} or absolute path that leaves the
 * root is refused before the file system is touched; {@link Path#toRealPath} resolves links and the
 * result must lie inside the root's real path; then the deny rules are checked on the real path.
 * Opening then walks from the root one name at a time without following links ({@link SecureWalk}),
 * so a link swapped in after the check cannot lead out. Refusals never name the real path.
 *
 * <p>Hard links: a regular file with more than one link is refused for reading and writing, since
 * its other name may lie outside the root (or in a denied place) and nothing cheap can tell.
 *
 * <p>Thread-safe and immutable.
 */
public final class FileRoot {
    private final Path root;
    private final AccessMode mode;
    private final List<DenyRule> deny;
    private final Limits limits;
    private final String source;
    private final Checkpoint checkpoint;

    /**
     * Called between checking a path and using it. Production code passes {@link #NONE}; tests swap
     * links in here to prove the use does not follow them.
     */
    @FunctionalInterface
    public interface Checkpoint {
        void afterCheck(Path real);
    }

    /** A checkpoint that does nothing. */
    public static final Checkpoint NONE = real -> {};

    /** A read-only root with the default deny rules and limits. */
    public FileRoot(Path folder) {
        this(
                folder,
                AccessMode.READ,
                DefaultPolicy.denyRules(folder.getFileSystem(), DefaultPolicy.SOURCE),
                Limits.DEFAULT,
                "--root",
                NONE);
    }

    /**
     * @param source where the root's rule came from, for refusals
     * @throws IllegalArgumentException when {@code folder} is not an existing directory
     */
    public FileRoot(
            Path folder, AccessMode mode, List<DenyRule> deny, Limits limits, String source, Checkpoint checkpoint) {
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
        this.mode = Objects.requireNonNull(mode, "mode");
        this.deny = List.copyOf(deny);
        this.limits = Objects.requireNonNull(limits, "limits");
        this.source = Objects.requireNonNull(source, "source");
        this.checkpoint = Objects.requireNonNull(checkpoint, "checkpoint");
    }

    /** The root's real path. */
    public Path path() {
        return root;
    }

    public AccessMode mode() {
        return mode;
    }

    public Limits limits() {
        return limits;
    }

    /** True when {@code given} (absolute) names this root or something inside it, by its string form. */
    boolean contains(Path absolute) {
        return absolute.normalize().startsWith(root);
    }

    /**
     * Resolves {@code given} (relative to the root, or absolute inside it) to the real path of an
     * existing file or folder inside the root.
     *
     * @throws SandboxException {@code invalid_arguments} for a hostile string, {@code
     *     path_outside_root} when the path or a link on the way leaves the root, {@code
     *     blocked_by_policy} for a denied path, {@code not_found} when nothing exists there
     */
    public Path resolve(String given) {
        Path candidate = candidate(given);
        Path real;
        try {
            real = candidate.toRealPath();
        } catch (NoSuchFileException e) {
            // Only say "not found" when the search for it stayed inside: otherwise this is an
            // oracle for what exists outside the root.
            refuseIfMissingLeadsOut(candidate, given);
            denyCheck(candidate, given); // do not even confirm that a denied name is absent
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file or folder at " + quote(given));
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.NOT_FOUND,
                    "cannot access " + quote(given) + " (" + e.getClass().getSimpleName() + ")");
        }
        if (!real.startsWith(root)) {
            throw outside(given); // a symbolic link on the way leads out of the root
        }
        denyCheck(candidate, given);
        denyCheck(real, given);
        return real;
    }

    /**
     * For creating, replacing, moving or deleting {@code given}: the real path of its parent folder
     * (which must exist inside the root) joined with its last name, which is not followed if it is a
     * link. Requires write mode.
     *
     * @throws SandboxException as {@link #resolve}; {@code blocked_by_policy} when the root is
     *     read-only; {@code invalid_arguments} for the root itself or a name of {@code .}/{@code ..}
     */
    public Target resolveParent(String given) {
        requireWrite(given);
        Path candidate = candidate(given);
        if (candidate.equals(root)) {
            throw new SandboxException(
                    ErrorCodes.INVALID_ARGUMENTS,
                    quote(given) + " is the shared folder itself; name something inside it");
        }
        String name = candidate.getFileName().toString();
        Path parent = resolve(
                root.relativize(candidate.getParent()).toString().isEmpty()
                        ? "."
                        : root.relativize(candidate.getParent()).toString());
        Path target = parent.resolve(name);
        denyCheck(target, given);
        return new Target(parent, name, target);
    }

    /** Refuses unless this root is writable. */
    public void requireWrite(String given) {
        if (mode != AccessMode.WRITE) {
            throw new SandboxException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    "cannot change " + quote(given) + ": the shared folder is read-only (root rule from " + source
                            + ")");
        }
    }

    /**
     * Opens the regular file at {@code given} for reading: resolved and checked, then opened by
     * walking from the root without following links, so what is opened is what was checked.
     *
     * @throws SandboxException as {@link #resolve}, or {@code invalid_arguments} when it is not a
     *     regular file, {@code blocked_by_policy} when it is over the read cap or has other hard links
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
        refuseHardLinks(real, given);
        if (before.size() > limits.maxReadBytes()) {
            throw new SandboxException(
                    ErrorCodes.BLOCKED_BY_POLICY,
                    quote(given) + " is " + before.size() + " bytes, over the read cap of " + limits.maxReadBytes()
                            + " (limits from " + limits.source() + ")");
        }
        checkpoint.afterCheck(real);
        SeekableByteChannel channel = openChannel(real, given, Set.of(StandardOpenOption.READ));
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

    /**
     * Opens {@code real} (checked, inside the root) through a link-free walk from the root, never
     * following a link at the last name either.
     */
    SeekableByteChannel openChannel(Path real, String given, Set<StandardOpenOption> options) {
        java.util.Set<java.nio.file.OpenOption> all = new java.util.HashSet<>(options);
        all.add(LinkOption.NOFOLLOW_LINKS);
        SecureDirectoryStream<Path> parent = SecureWalk.open(root, real.getParent(), given);
        try {
            if (parent == null) {
                return Files.newByteChannel(real, all); // no openat here: the caller re-checks
            }
            return parent.newByteChannel(real.getFileName(), all);
        } catch (NoSuchFileException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "no file at " + quote(given));
        } catch (java.nio.file.FileAlreadyExistsException e) {
            throw new SandboxException(ErrorCodes.INVALID_ARGUMENTS, quote(given) + " already exists");
        } catch (java.nio.file.AccessDeniedException e) {
            // The policy allows it; the operating system does not let this account (the service's, or the
            // signed-in user's in their session part) open it. A link is refused as ELOOP, not here.
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot open " + quote(given) + ": the operating system denies this account access"
                            + " (AccessDeniedException)");
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.PATH_OUTSIDE_ROOT,
                    "cannot open " + quote(given) + " without following a link ("
                            + e.getClass().getSimpleName() + "); refused");
        } finally {
            if (parent != null) {
                SecureWalk.close(parent);
            }
        }
    }

    /** The folder holding {@code real}, opened by a link-free walk, or null where unsupported. */
    SecureDirectoryStream<Path> openParent(Path real, String given) {
        checkpoint.afterCheck(real);
        return SecureWalk.open(root, real.getParent(), given);
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

    /** Attributes of {@code name} in an open folder, not following a link; empty when absent. */
    static Optional<BasicFileAttributes> attributesIn(SecureDirectoryStream<Path> folder, Path name) {
        try {
            return Optional.of(
                    folder.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                            .readAttributes());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot read " + name + " (" + e.getClass().getSimpleName() + ")");
        }
    }

    /** Lists a resolved folder; the caller closes the stream. */
    public DirectoryStream<Path> openDirectory(Path real, String given) {
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

    /** True when a deny rule matches {@code real} (for hiding entries in listings and searches). */
    public boolean isDenied(Path real) {
        return deny.stream().anyMatch(d -> d.matches(real));
    }

    /**
     * Refuses a regular file with more than one hard link (its other names may lie outside the root).
     * Folders and platforms without link counts are let through.
     */
    void refuseHardLinks(Path real, String given) {
        try {
            Object links = Files.getAttribute(real, "unix:nlink", LinkOption.NOFOLLOW_LINKS);
            if (links instanceof Integer n && n > 1 && Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
                throw new SandboxException(
                        ErrorCodes.PATH_OUTSIDE_ROOT,
                        quote(given) + " has " + n + " hard links, and another may lie outside the shared folder;"
                                + " refused (copy the file instead of linking it)");
            }
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            // No link counts on this file system (Windows): nothing to check.
        } catch (IOException e) {
            throw new SandboxException(ErrorCodes.NOT_FOUND, "cannot access " + quote(given));
        }
    }

    private void refuseIfMissingLeadsOut(Path candidate, String given) {
        if (Files.isSymbolicLink(candidate)) {
            try {
                Path target = candidate
                        .getParent()
                        .resolve(Files.readSymbolicLink(candidate))
                        .normalize();
                if (!target.startsWith(root)) {
                    throw outside(given);
                }
            } catch (IOException e) {
                throw outside(given);
            }
        }
        for (Path p = candidate.getParent(); p != null; p = p.getParent()) {
            try {
                Path real = p.toRealPath();
                if (!real.startsWith(root)) {
                    throw outside(given);
                }
                return;
            } catch (NoSuchFileException e) {
                // keep walking up to the deepest folder that exists
            } catch (IOException e) {
                throw outside(given);
            }
        }
        throw outside(given);
    }

    private Path candidate(String given) {
        PathInput.check(given);
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
        return candidate;
    }

    private void denyCheck(Path path, String given) {
        for (DenyRule rule : deny) {
            if (rule.matches(path)) {
                throw new SandboxException(
                        ErrorCodes.BLOCKED_BY_POLICY,
                        "path " + quote(given) + " is denied by the rule \"" + rule.glob() + "\" (" + rule.source()
                                + ")");
            }
        }
    }

    private static boolean sameFile(BasicFileAttributes a, BasicFileAttributes b) {
        Object keyA = a.fileKey();
        Object keyB = b.fileKey();
        // Windows has no file keys; there the path re-check above is what we have.
        return keyA == null || keyB == null || keyA.equals(keyB);
    }

    static SandboxException outside(String given) {
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
     * Where something is to be created or changed.
     *
     * @param parent real path of the existing parent folder, inside the root
     * @param name the last name, not followed
     * @param path {@code parent} joined with {@code name}
     */
    public record Target(Path parent, String name, Path path) {}

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
