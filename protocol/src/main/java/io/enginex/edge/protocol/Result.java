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
 */
public record Result(
        String id,
        String jobId,
        JsonNode output,
        ErrorInfo error,
        Instant startedAt,
        Instant finishedAt,
        boolean replayed)
        implements Message {
    public static final String TYPE = "result";

    public Result {
        Messages.requireText(id, "id");
        Messages.requireText(jobId, "jobId");
        if (output != null && output.isNull()) {
            output = null;
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
