package io.enginex.edge.protocol;

import java.util.List;
import java.util.Objects;

/**
 * Hub → agent: the answer to a {@link GraphRuns} frame (added in protocol 1.0 without a version change).
 * The runs and step records named are stored on the hub (now or before: a duplicate is acknowledged and
 * changes nothing); the agent never sends them again. A run of the frame that is not named was refused
 * (the reason is logged on the hub and in {@code refused}); the agent tries it again on its next
 * connection.
 *
 * <pre>{@code
 * {"type":"graphRunsAck","id":"h-12","replyTo":"a-9","runs":["run_…"],"steps":["run_…:list"],
 *  "refused":[]}
 * }</pre>
 *
 * @param replyTo the id of the {@code graphRuns} frame
 * @param runs the run ids stored, with the status the frame gave them
 * @param steps the step record ids stored
 * @param refused one sentence per run refused, or empty
 * @param audit the ids of the frame's audit records stored (now or before)
 */
public record GraphRunsAck(
        String id,
        String replyTo,
        List<String> runs,
        List<String> steps,
        List<String> refused,

        @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_EMPTY)
        List<String> audit)
        implements Message {
    public static final String TYPE = "graphRunsAck";

    /** An ack of a frame without audit records. */
    public GraphRunsAck(String id, String replyTo, List<String> runs, List<String> steps, List<String> refused) {
        this(id, replyTo, runs, steps, refused, List.of());
    }

    public GraphRunsAck {
        Messages.requireText(id, "id");
        Messages.requireText(replyTo, "replyTo");
        runs = List.copyOf(Objects.requireNonNullElse(runs, List.of()));
        steps = List.copyOf(Objects.requireNonNullElse(steps, List.of()));
        refused = List.copyOf(Objects.requireNonNullElse(refused, List.of()));
        audit = List.copyOf(Objects.requireNonNullElse(audit, List.of()));
    }
}
