package io.enginex.edge.protocol;

/**
 * Hub → agent: stop job {@code jobId} (cancelled by a person, or past its deadline).
 *
 * <pre>{@code {"type":"cancel","id":"h-8","jobId":"job_…","reason":"cancelled by operator"}}</pre>
 */
public record Cancel(String id, String jobId, String reason) implements Message {
    public static final String TYPE = "cancel";

    public Cancel {
        Messages.requireText(id, "id");
        Messages.requireText(jobId, "jobId");
        reason = reason == null ? "" : reason;
    }
}
