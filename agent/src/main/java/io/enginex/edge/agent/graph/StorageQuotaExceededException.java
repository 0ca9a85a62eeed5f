package io.enginex.edge.agent.graph;

/**
 * A run line was not written because the run files would pass a quota of {@link StorageLimits}. Nothing
 * already written is touched; the step it was for fails with {@link #CODE} and the message, which
 * names the quota, what is used and what to do.
 */
public final class StorageQuotaExceededException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** The step's error code. */
    public static final String CODE = "storage_quota_exceeded";

    StorageQuotaExceededException(String message) {
        super(message);
    }
}
