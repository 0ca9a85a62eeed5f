package io.enginex.edge.agent.policy;

/**
 * Size caps for file tools.
 *
 * @param maxReadBytes largest file {@code fs.read} and {@code fs.search} will read
 * @param maxWriteBytes largest file {@code fs.write} will leave behind (appends included)
 * @param maxSearchFiles files {@code fs.search} visits per call
 * @param source where the values came from
 */
public record Limits(long maxReadBytes, long maxWriteBytes, int maxSearchFiles, String source) {
    /** The built-in caps: 64 MiB read, 16 MiB write, 20 000 files searched. */
    public static final Limits DEFAULT = new Limits(64L << 20, 16L << 20, 20_000, "built-in default");

    public Limits {
        if (maxReadBytes < 0 || maxWriteBytes < 0 || maxSearchFiles < 0) {
            throw new PolicyException(source + ": limits must not be negative");
        }
    }

    /** The smaller of each cap. */
    public Limits min(Limits other) {
        return new Limits(
                Math.min(maxReadBytes, other.maxReadBytes),
                Math.min(maxWriteBytes, other.maxWriteBytes),
                Math.min(maxSearchFiles, other.maxSearchFiles),
                source.equals(other.source) ? source : "smallest of " + source + " and " + other.source);
    }
}
