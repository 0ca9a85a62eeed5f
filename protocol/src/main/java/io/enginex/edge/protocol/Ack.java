package io.enginex.edge.protocol;

/**
 * Agent → hub: the agent received job {@code jobId} and will run it (or answer it from its journal).
 *
 * <pre>{@code {"type":"ack","id":"a-9","jobId":"job_…"}}</pre>
 */
public record Ack(String id, String jobId) implements Message {
    public static final String TYPE = "ack";

    public Ack {
        Messages.requireText(id, "id");
        Messages.requireText(jobId, "jobId");
    }
}
