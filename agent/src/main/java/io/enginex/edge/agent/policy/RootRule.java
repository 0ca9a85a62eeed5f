package io.enginex.edge.agent.policy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A folder the file tools may use, and how.
 *
 * <p>A <em>home root</em> ({@code ~/Downloads} in a policy file) is a folder in the home of the user
 * signed in at the machine: its {@code path} is relative to that home ({@code Downloads}). The service
 * never opens it itself; file tool calls on it ({@code ~/Downloads/q3.csv}) run in that user's session
 * part, with that user's rights (docs/POLICY.md "Files in the user's home").
 *
 * @param path absolute, normalised folder; for a home root, normalised and relative to the home
 * @param mode read, or write (which includes reading)
 * @param source where the rule came from, e.g. {@code machine policy /etc/enginex-agent/policy.json}
 * @param home true for a folder in the signed-in user's home
 */
public record RootRule(Path path, AccessMode mode, String source, boolean home) {
    /** How a home root and a path in it are written: {@code ~/Downloads}. */
    public static final String HOME_PREFIX = "~/";

    public RootRule {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        if (home) {
            path = path.normalize();
            if (path.isAbsolute()
                    || path.toString().isEmpty()
                    || path.startsWith("..")
                    || path.toString().startsWith("~")) {
                throw new PolicyException(
                        source + ": root ~/" + path + " must name a folder inside the user's home, e.g. ~/Downloads");
            }
        } else if (!path.isAbsolute()) {
            throw new PolicyException(source + ": root " + path
                    + " must be an absolute path (or ~/FOLDER for a folder in the signed-in user's home)");
        }
        path = path.normalize();
    }

    /** A folder of this machine (not a home root). */
    public RootRule(Path path, AccessMode mode, String source) {
        this(path, mode, source, false);
    }

    /**
     * The rule for {@code text} as a policy file writes it: {@code ~/FOLDER} for a home root, else an
     * absolute path.
     */
    public static RootRule parse(String text, AccessMode mode, String source, java.nio.file.FileSystem fs) {
        if (text.startsWith(HOME_PREFIX)) {
            return new RootRule(fs.getPath(text.substring(HOME_PREFIX.length())), mode, source, true);
        }
        return new RootRule(fs.getPath(text), mode, source, false);
    }

    /** The root as a policy file writes it: {@code ~/Downloads} or {@code /srv/exports}. */
    public String label() {
        return home ? HOME_PREFIX + path : path.toString();
    }

    /** This rule with another source. */
    public RootRule withSource(String other) {
        return new RootRule(path, mode, other, home);
    }

    /** For a home root: the folder in {@code userHome}; otherwise the path itself. */
    public Path resolve(Path userHome) {
        return home ? userHome.resolve(path) : path;
    }

    /**
     * The folder both rules allow (the deeper of the two when one contains the other) with the
     * narrower mode, or empty when they do not overlap. A home root never overlaps a folder of the
     * machine: whose home it is, is only known when a call names a user.
     */
    public Optional<RootRule> intersect(RootRule other) {
        if (home != other.home) {
            return Optional.empty();
        }
        AccessMode narrowed = mode.min(other.mode);
        if (other.path.startsWith(path)) {
            return Optional.of(new RootRule(other.path, narrowed, other.source + " within " + source, home));
        }
        if (path.startsWith(other.path)) {
            return Optional.of(new RootRule(path, narrowed, source + " within " + other.source, home));
        }
        return Optional.empty();
    }
}
