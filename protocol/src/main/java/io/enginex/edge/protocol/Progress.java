package io.enginex.edge.protocol;

/**
 * Agent → hub: job {@code jobId} is still making progress. Also renews the job's lease, so the hub
 * can tell a busy agent from a hung one whose socket is still up.
 *
 * <pre>{@code {"type":"progress","id":"a-10","jobId":"job_…","message":"read 3 of 9 MiB","fraction":0.33}}</pre>
 *
 * @param fraction share done in [0, 1], or {@code null} when unknown
 */
public record Progress(String id, String jobId, String message, Double fraction) implements Message {
    public static final String TYPE = "progress";

    public Progress {
        Messages.requireText(id, "id");
        Messages.requireText(jobId, "jobId");
        message = message == null ? "" : message;
        if (fraction != null && !(fraction >= 0 && fraction <= 1)) {
            throw new IllegalArgumentException("fraction must be within [0, 1], got " + fraction);
        }
    }
}
