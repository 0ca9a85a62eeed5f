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
 *
 * <p>{@code requestedBy} (optional, added in protocol 1.0 without a version change) says, for people,
 * who asked for the job on the hub: {@code "alice@acme.example (dashboard)"}, {@code "API key ci-bot"},
 * {@code "alice@acme.example via MCP client claude-code 1.2"}. The agent shows it to the person it asks
 * for consent and records it with their answer; absent means unknown (an older hub). It is never a
 * secret and never used to decide anything. It is kept to {@link #MAX_REQUESTED_BY} characters, with
 * control, format and line-separator characters {@link Printable#escape escaped}, so it cannot change
 * how a dialog, a page or a log line reads.
 */
public record Dispatch(
        String id,
        String jobId,
        String tool,
        JsonNode args,
        Instant deadline,
        int attempt,
        String approvedBy,
        String requestedBy)
        implements Message {
    public static final String TYPE = "dispatch";

    /** The longest {@code requestedBy} kept; a longer one is cut and ends in {@code …}. */
    public static final int MAX_REQUESTED_BY = 200;

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
        requestedBy = requester(requestedBy);
    }

    /** A dispatch whose requester is unknown (an agent's own graph step, or a hub that does not say). */
    public Dispatch(
            String id, String jobId, String tool, JsonNode args, Instant deadline, int attempt, String approvedBy) {
        this(id, jobId, tool, args, deadline, attempt, approvedBy, null);
    }

    /** A dispatch of a job that needed no approval. */
    public Dispatch(String id, String jobId, String tool, JsonNode args, Instant deadline, int attempt) {
        this(id, jobId, tool, args, deadline, attempt, null, null);
    }

    /**
     * {@code text} as {@code requestedBy} keeps it: stripped, unsafe characters escaped, at most {@link
     * #MAX_REQUESTED_BY} characters (cut ones end in {@code …}); null or blank is null (unknown).
     */
    public static String requester(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String shown = Printable.escape(text.strip());
        if (shown.length() <= MAX_REQUESTED_BY) {
            return shown;
        }
        int end = MAX_REQUESTED_BY - 1;
        if (Character.isHighSurrogate(shown.charAt(end - 1))) {
            end--; // never split a pair
        }
        return shown.substring(0, end) + "…";
    }
}
