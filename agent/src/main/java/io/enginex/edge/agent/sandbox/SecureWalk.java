package io.enginex.edge.agent.sandbox;

import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;

/**
 * Opens a folder inside a root one name at a time, never following a symbolic link on the way
 * ({@code openat} with {@code O_NOFOLLOW} underneath, through {@link SecureDirectoryStream} on Linux
 * and macOS). A link swapped in for any folder after the path was checked makes the walk fail
 * instead of leading out of the root. Where the platform has no secure directory streams (Windows)
 * the caller falls back to checking the real path again after use.
 */
final class SecureWalk {
    private SecureWalk() {}

    /**
     * Opens {@code folder} (a real path inside {@code root}) component by component from the root.
     *
     * @return the open folder, or null when secure directory streams are not supported here
     * @throws SandboxException {@code path_outside_root} when a component is (now) a link, {@code
     *     not_found} when it is gone
     */
    static SecureDirectoryStream<Path> open(Path root, Path folder, String given) {
        DirectoryStream<Path> top;
        try {
            top = Files.newDirectoryStream(root);
        } catch (IOException e) {
            throw new SandboxException(
                    ErrorCodes.TOOL_FAILED,
                    "cannot open the shared folder (" + e.getClass().getSimpleName() + ")");
        }
        if (!(top instanceof SecureDirectoryStream<Path> current)) {
            close(top);
            return null;
        }
        Path relative = root.relativize(folder);
        try {
            for (Path name : relative) {
                if (name.toString().isEmpty()) {
                    continue;
                }
                SecureDirectoryStream<Path> next;
                try {
                    next = current.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    throw new SandboxException(ErrorCodes.NOT_FOUND, "no folder at " + FileRoot.quote(given));
                } catch (NotDirectoryException e) {
                    throw new SandboxException(
                            ErrorCodes.INVALID_ARGUMENTS, FileRoot.quote(given) + " is not inside a folder");
                } catch (IOException e) {
                    // ELOOP: the name is a symbolic link now, though it was not when checked.
                    throw new SandboxException(
                            ErrorCodes.PATH_OUTSIDE_ROOT,
                            "path " + FileRoot.quote(given) + " changed while it was used (a link appeared); refused");
                }
                close(current);
                current = next;
            }
            return current;
        } catch (RuntimeException e) {
            close(current);
            throw e;
        }
    }

    static void close(DirectoryStream<Path> stream) {
        try {
            stream.close();
        } catch (IOException ignored) {
            // Only a handle; nothing was written through it.
        }
    }
}
