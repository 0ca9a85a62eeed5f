package io.enginex.edge.protocol;

import java.util.Base64;

/**
 * Agent → hub: a piece of a step output that the agent keeps as a file (a {@link GraphRuns.Step} with
 * {@code outputFile}; added in protocol 1.0 without a version change, docs/GRAPHS.md "Big outputs").
 * Sent only after the hub acknowledged the step record, one chunk at a time (the next after the {@link
 * GraphOutputAck} of the last), so live jobs' frames never queue behind more than one chunk. The hub
 * appends {@code data} when {@code offset} is the number of bytes it has of that output, and answers
 * with what it has: a chunk it has already (an upload repeated after a disconnect) changes nothing, and
 * the agent goes on from the hub's count, so an upload resumes where the hub stopped, also after a hub
 * restart. With the last byte the hub checks the SHA-256.
 *
 * <pre>{@code
 * {"type":"graphOutputChunk","id":"a-31","stepId":"run_…:dump","offset":196608,"totalBytes":3145728,
 *  "sha256":"9e1f…","data":"eyJlbnRyaWVzIjpb…"}
 * }</pre>
 *
 * @param stepId the step record's id, {@code RUN_ID:STEP_ID}
 * @param offset where {@code data} starts in the output
 * @param totalBytes the output's size (UTF-8 JSON text)
 * @param sha256 the SHA-256 (hex) of the whole output
 * @param data base64 of at most {@link #MAX_CHUNK_BYTES} bytes; empty to ask how much the hub has
 */
public record GraphOutputChunk(String id, String stepId, long offset, long totalBytes, String sha256, String data)
        implements Message {
    public static final String TYPE = "graphOutputChunk";

    /** The most bytes of output in one chunk (base64 makes it 256 KiB of text; the frame limit is 1 MiB). */
    public static final int MAX_CHUNK_BYTES = 192 * 1024;

    public GraphOutputChunk {
        Messages.requireText(id, "id");
        Messages.requireText(stepId, "stepId");
        if (!stepId.matches("run_[0-9a-f]{1,64}:[^:]{1,64}")) {
            throw new IllegalArgumentException("stepId must be RUN_ID:STEP_ID, got " + Protocol.quote(stepId));
        }
        Messages.requireNonNegative(offset, "offset");
        Messages.requireNonNegative(totalBytes, "totalBytes");
        Messages.requireText(sha256, "sha256");
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("sha256 must be 64 hex digits, got " + Protocol.quote(sha256));
        }
        data = data == null ? "" : data;
        if (data.length() > (MAX_CHUNK_BYTES / 3) * 4 + 4) {
            throw new IllegalArgumentException("a chunk carries at most " + MAX_CHUNK_BYTES + " bytes");
        }
        if (offset + (long) data.length() / 4 * 3 - 2 > totalBytes) {
            throw new IllegalArgumentException(
                    "a chunk at " + offset + " passes the end of the output (" + totalBytes + " bytes)");
        }
    }

    /** The chunk's bytes. @throws IllegalArgumentException when {@code data} is not base64 */
    public byte[] bytes() {
        return Base64.getDecoder().decode(data);
    }

    public static GraphOutputChunk of(
            String id, String stepId, long offset, long totalBytes, String sha256, byte[] bytes) {
        return new GraphOutputChunk(
                id, stepId, offset, totalBytes, sha256, Base64.getEncoder().encodeToString(bytes));
    }
}
