package io.enginex.edge.agent.policy;

import java.nio.file.FileSystem;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.Locale;
import java.util.Objects;

/**
 * A glob no file tool may touch, matched case-insensitively against a real absolute path and every one
 * of its parent folders (so {@code **}{@code /.ssh} also denies everything inside {@code .ssh}).
 * Case-insensitive because macOS and Windows file systems are: {@code .SSH} is {@code .ssh} there.
 *
 * @param glob {@link FileSystem#getPathMatcher} glob syntax, e.g. {@code **}{@code /.aws}
 * @param source where the rule came from
 */
public record DenyRule(String glob, String source, PathMatcher matcher) {
    public DenyRule {
        Objects.requireNonNull(glob, "glob");
        Objects.requireNonNull(source, "source");
    }

    /**
     * @throws PolicyException when the glob is not valid glob syntax
     */
    public static DenyRule of(String glob, String source, FileSystem fs) {
        try {
            return new DenyRule(glob, source, fs.getPathMatcher("glob:" + glob.toLowerCase(Locale.ROOT)));
        } catch (RuntimeException e) {
            throw new PolicyException(
                    source + ": deny glob \"" + glob + "\" is not a valid glob: " + e.getMessage(), e);
        }
    }

    /** True when {@code real} or one of its parents matches. */
    public boolean matches(Path real) {
        for (Path p = real; p != null; p = p.getParent()) {
            Path folded = p.getFileSystem().getPath(p.toString().toLowerCase(Locale.ROOT));
            if (matcher.matches(folded)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "deny " + glob + " (" + source + ")";
    }
}
