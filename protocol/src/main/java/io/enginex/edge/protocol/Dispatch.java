package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.time.Instant;
import java.util.Objects;

/**
 * Hub → agent: run {@code tool} with {@code args} for job {@code jobId} before {@code deadline}.
 *
 * <p>Delivery is at least once: the same job may arrive again with a higher {@code attempt} after a
 * reconnect. The agent runs a job id at most once and answers repeats from its journal.
 *
 * <pre>{@code
 * {"type":"dispatch","id":"h-7","jobId":"job_…","tool":"fs.list","args":{"path":"."},
 *  "deadline":"2026-11-26T10:15:30Z","attempt":1}
 * }</pre>
 *
 * <p>{@code approvedBy} (optional, added in protocol 1.0 without a version change) names the person
 * who approved a job whose tool or command template needs approval; it is absent otherwise, and the
 * agent refuses such a job without it.
 */
public record Dispatch(
        String id, String jobId, String tool, JsonNode args, Instant deadline, int attempt, String approvedBy)
        implements Message {
    public static final String TYPE = "dispatch";

    public Dispatch {
        Messages.requireText(id, "id");
        Messages.requireText(jobId, "jobId");
        Messages.requireText(tool, "tool");
        Objects.requireNonNull(deadline, "deadline is required");
        args = args == null || args.isNull() ? JsonNodeFactory.instance.objectNode() : args;
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt must be at least 1, got " + attempt);
        }
        approvedBy = approvedBy == null || approvedBy.isBlank() ? null : approvedBy;
    }

    /** A dispatch of a job that needed no approval. */
    public Dispatch(String id, String jobId, String tool, JsonNode args, Instant deadline, int attempt) {
        this(id, jobId, tool, args, deadline, attempt, null);
    }
}
