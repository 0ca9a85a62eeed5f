package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Limits on a REST request body, applied while it is read and before any of it is interpreted. Each
 * one exceeded is refused with 400 {@code body_limit_exceeded}, naming the limit; a body larger than
 * {@link #maxDocumentBytes()} is refused with 413 {@code payload_too_large} before it is parsed.
 *
 * @param maxDocumentBytes largest body, in bytes (the hub's {@code maxBodyBytes})
 * @param maxNestingDepth deepest nesting of JSON objects and arrays
 * @param maxNumberChars longest JSON number literal, in characters
 * @param maxStringChars longest JSON string value, in characters
 * @param maxNameChars longest JSON field name, in characters
 */
record BodyLimits(
        long maxDocumentBytes, int maxNestingDepth, int maxNumberChars, int maxStringChars, int maxNameChars) {

    /** 64 levels, 64-character numbers, 256-character names, strings up to half the body size. */
    public static BodyLimits forBodySize(long maxDocumentBytes) {
        return new BodyLimits(maxDocumentBytes, 64, 64, (int) Math.min(Integer.MAX_VALUE, maxDocumentBytes / 2), 256);
    }

    public BodyLimits {
        if (maxDocumentBytes < 1024) {
            throw new IllegalArgumentException("maxDocumentBytes must be at least 1024; got " + maxDocumentBytes);
        }
        if (maxNestingDepth < 4 || maxNumberChars < 20 || maxStringChars < 64 || maxNameChars < 64) {
            throw new IllegalArgumentException("body limits too small to read any request: nesting "
                    + maxNestingDepth + " (min 4), number " + maxNumberChars + " (min 20), string "
                    + maxStringChars + " (min 64), name " + maxNameChars + " (min 64)");
        }
    }

    /** These limits as Jackson read constraints. */
    public StreamReadConstraints constraints() {
        return StreamReadConstraints.builder()
                .maxDocumentLength(maxDocumentBytes)
                .maxNestingDepth(maxNestingDepth)
                .maxNumberLength(maxNumberChars)
                .maxStringLength(maxStringChars)
                .maxNameLength(maxNameChars)
                .build();
    }

    /** A copy of {@code mapper} that reads with these limits (writing is unchanged). */
    public ObjectMapper applyTo(ObjectMapper mapper) {
        ObjectMapper copy = mapper.copy(); // with a copy of the factory, so the original keeps its limits
        copy.getFactory().setStreamReadConstraints(constraints());
        return copy;
    }

    /**
     * The limit a Jackson constraint failure refers to, in words a client understands, e.g. {@code
     * "nesting depth (limit 64 levels)"}; Jackson names the getter of the limit in its message.
     */
    static String describe(StreamReadConstraints c, String jacksonMessage) {
        String m = jacksonMessage == null ? "" : jacksonMessage;
        if (m.contains("getMaxNestingDepth")) {
            return "nesting depth (limit " + c.getMaxNestingDepth() + " levels)";
        }
        if (m.contains("getMaxNumberLength")) {
            return "number length (limit " + c.getMaxNumberLength() + " characters)";
        }
        if (m.contains("getMaxStringLength")) {
            return "string length (limit " + c.getMaxStringLength() + " characters)";
        }
        if (m.contains("getMaxNameLength")) {
            return "field name length (limit " + c.getMaxNameLength() + " characters)";
        }
        if (m.contains("getMaxDocumentLength")) {
            return "document size (limit " + c.getMaxDocumentLength() + " bytes)";
        }
        return "a body limit (nesting " + c.getMaxNestingDepth() + " levels, numbers " + c.getMaxNumberLength()
                + " characters, strings " + c.getMaxStringLength() + " characters)";
    }
}
