package io.enginex.edge.protocol;

/**
 * Limits applied to every frame read from the network, before any of it is interpreted.
 *
 * @param maxFrameBytes largest frame accepted, in UTF-8 bytes; larger ones are refused with {@link
 *     ErrorCodes#FRAME_TOO_LARGE} (file content moves in chunks below this size)
 * @param maxNestingDepth deepest JSON nesting accepted in a frame
 * @param maxStringChars longest single JSON string accepted
 */
public record FrameLimits(int maxFrameBytes, int maxNestingDepth, int maxStringChars) {
    /** 1 MiB frames, 64 levels of nesting, strings up to the frame size. */
    public static final FrameLimits DEFAULT = new FrameLimits(1 << 20, 64, 1 << 20);

    public FrameLimits {
        if (maxFrameBytes < 1024) {
            throw new IllegalArgumentException("maxFrameBytes must be at least 1024, got " + maxFrameBytes);
        }
        if (maxNestingDepth < 4) {
            throw new IllegalArgumentException("maxNestingDepth must be at least 4, got " + maxNestingDepth);
        }
        if (maxStringChars < 64) {
            throw new IllegalArgumentException("maxStringChars must be at least 64, got " + maxStringChars);
        }
    }
}
