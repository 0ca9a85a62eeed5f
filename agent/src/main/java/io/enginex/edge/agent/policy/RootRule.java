package io.enginex.edge.agent.policy;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A folder the file tools may use, and how.
 *
 * @param path absolute, normalised folder
 * @param mode read, or write (which includes reading)
 * @param source where the rule came from, e.g. {@code machine policy /etc/enginex-agent/policy.json}
 */
public record RootRule(Path path, AccessMode mode, String source) {
    public RootRule {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(source, "source");
        if (!path.isAbsolute()) {
            throw new PolicyException(source + ": root " + path + " must be an absolute path");
        }
        path = path.normalize();
    }

    /**
     * The folder both rules allow (the deeper of the two when one contains the other) with the
     * narrower mode, or empty when they do not overlap.
     */
    public Optional<RootRule> intersect(RootRule other) {
        AccessMode narrowed = mode.min(other.mode);
        if (other.path.startsWith(path)) {
            return Optional.of(new RootRule(other.path, narrowed, other.source + " within " + source));
        }
        if (path.startsWith(other.path)) {
            return Optional.of(new RootRule(path, narrowed, source + " within " + other.source));
        }
        return Optional.empty();
    }
}
