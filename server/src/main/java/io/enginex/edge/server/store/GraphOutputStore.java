package io.enginex.edge.server.store;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;

/**
 * Step outputs agents upload as files (docs/GRAPHS.md "Big outputs"), in chunks appended at the offset
 * stored so far: a chunk at another offset changes nothing, so a repeated or resumed upload stores each
 * byte once.
 */
public interface GraphOutputStore {
    /**
     * An output's size and hash as its step record announced them, and how far its upload came.
     *
     * @param agentId the agent that uploaded the run
     */
    record Output(
            String stepId,
            String tenantId,
            String runId,
            String agentId,
            long totalBytes,
            String sha256,
            long received,
            boolean complete) {}

    /** What {@link #append} did. */
    enum Appended {
        /** The chunk was stored (or was stored before); {@link Output#received} says how far. */
        STORED,
        /** The tenant's outputs together would pass {@code tenantCap}: nothing was stored. */
        TENANT_FULL,
        /** The last byte arrived and the SHA-256 did not match: what was stored is dropped. */
        HASH_MISMATCH
    }

    /** The answer of {@link #append}: what happened and the output as it stands now. */
    record Append(Appended what, Output output) {}

    /**
     * The output of step record {@code stepId} of the tenant, when the record says its output is a file,
     * with what the hub has of it (0 bytes before the first chunk).
     */
    Optional<Output> find(String tenantId, String stepId);

    /**
     * Appends {@code data} when {@code offset} is the number of bytes stored; otherwise changes nothing.
     * The first chunk of an output counts its whole size against {@code tenantCap} (the bytes of the
     * tenant's outputs together). With the last byte the SHA-256 of the whole is checked. One
     * transaction; concurrent appends to one output are serialised by its row.
     */
    Append append(Output output, long offset, byte[] data, long tenantCap, Instant now);

    /**
     * Writes a complete output's bytes to {@code out}, chunk by chunk.
     *
     * @return false, with nothing written, when the output is not complete
     */
    boolean copy(String tenantId, String stepId, OutputStream out) throws IOException;
}
