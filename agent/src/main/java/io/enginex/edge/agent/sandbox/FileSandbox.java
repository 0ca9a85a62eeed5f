package io.enginex.edge.agent.sandbox;

import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * The folders of the effective policy. A relative path names something in the first (primary) root;
 * an absolute path names something in whichever root contains it. Immutable and thread-safe.
 */
public final class FileSandbox {
    private final List<FileRoot> roots;

    /**
     * @param roots at least one; the first is primary
     */
    public FileSandbox(List<FileRoot> roots) {
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("a sandbox needs at least one root");
        }
        this.roots = List.copyOf(roots);
    }

    /** A sandbox of one root. */
    public static FileSandbox of(FileRoot root) {
        return new FileSandbox(List.of(root));
    }

    public List<FileRoot> roots() {
        return roots;
    }

    /** True when some root is writable. */
    public boolean writable() {
        return roots.stream().anyMatch(r -> r.mode() == io.enginex.edge.agent.policy.AccessMode.WRITE);
    }

    /**
     * The root {@code given} belongs to.
     *
     * @throws SandboxException {@code invalid_arguments} for a hostile string, {@code
     *     path_outside_root} for an absolute path under no root
     */
    public FileRoot rootFor(String given) {
        PathInput.check(given);
        Path primary = roots.get(0).path();
        Path p;
        try {
            p = primary.getFileSystem().getPath(given.isEmpty() ? "." : given);
        } catch (java.nio.file.InvalidPathException e) {
            throw new SandboxException(
                    ErrorCodes.INVALID_ARGUMENTS, "path " + FileRoot.quote(given) + " is not a valid path");
        }
        if (!p.isAbsolute()) {
            return roots.get(0);
        }
        return roots.stream()
                .filter(r -> r.contains(p))
                .max(Comparator.comparingInt(r -> r.path().getNameCount()))
                .orElseThrow(() -> FileRoot.outside(given));
    }
}
