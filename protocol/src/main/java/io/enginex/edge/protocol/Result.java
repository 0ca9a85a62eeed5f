package io.enginex.edge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * Agent → hub: how job {@code jobId} ended. Exactly one of {@code output} and {@code error} is set.
 *
 * <pre>{@code
 * {"type":"result","id":"a-11","jobId":"job_…","output":{"entries":[…]},
 *  "startedAt":"2026-11-26T10:15:01Z","finishedAt":"2026-11-26T10:15:01.020Z","replayed":false}
 * {"type":"result","id":"a-12","jobId":"job_…","error":{"code":"path_outside_root","message":"…"},…}
 * }</pre>
 *
 * @param replayed true when the agent answered a redelivered job from its journal without running
 *     it again
 * @param consent optional (added in protocol 1.0 without a version change): how the person at the
 *     machine answered before a tool the policy marks {@code consentRequired} ran, e.g. {@code
 *     {"request":"…","user":"alice","tool":"app.launch","shown":"…","askedAt":"…","answer":"allowed",
 *     "via":"status page","answeredBy":"alice","answeredAt":"…"}}; absent for other jobs
 */
public record Result(
        String id,
        String jobId,
        JsonNode output,
        ErrorInfo error,
        Instant startedAt,
        Instant finishedAt,
        boolean replayed,
        JsonNode consent)
        implements Message {
    public static final String TYPE = "result";

    /** A result of a job that asked nobody's consent. */
    public Result(
            String id,
            String jobId,
            JsonNode output,
            ErrorInfo error,
            Instant startedAt,
            Instant finishedAt,
            boolean replayed) {
        this(id, jobId, output, error, startedAt, finishedAt, replayed, null);
    }

    public Result {
        Messages.requireText(id, "id");
        Messages.requireText(jobId, "jobId");
        if (output != null && output.isNull()) {
            output = null;
        }
        if (consent != null && !consent.isObject()) {
            consent = null;
        }
        if ((output == null) == (error == null)) {
            throw new IllegalArgumentException("a result has either output or error, not both or neither");
        }
    }

    /** Whether the tool succeeded. */
    public boolean ok() {
        return error == null;
    }
}
