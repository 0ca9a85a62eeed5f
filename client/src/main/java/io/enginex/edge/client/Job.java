package io.enginex.edge.client;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Set;

/**
 * A job as the hub answers it (docs/API.md, "Sessions and jobs"). Immutable; a later state is a new
 * value from {@link EdgeClient#job} or {@link EdgeClient#awaitJob}.
 *
 * @param state {@code awaiting_approval}, {@code queued}, {@code dispatched}, {@code running}, {@code
 *     succeeded}, {@code failed}, {@code timed_out} or {@code cancelled}
 * @param output the tool's output once it succeeded, else null
 * @param error why it did not succeed, once it ended so, else null
 * @param approval the approval it needed, else null
 * @param replayed whether the result came from the agent's journal after a redelivery
 * @param json the hub's whole answer, for fields this type does not name
 */
public record Job(
        String id,
        String sessionId,
        String agentId,
        String tool,
        JsonNode args,
        String state,
        int attempt,
        Instant createdAt,
        Instant deadline,
        Instant finishedAt,
        JsonNode output,
        JobError error,
        Approval approval,
        boolean replayed,
        JsonNode json) {
    /** The states a job ends in. */
    public static final Set<String> FINISHED = Set.of("succeeded", "failed", "timed_out", "cancelled");

    /** A job's error: a code a program switches on and a message for a person. */
    public record JobError(String code, String message) {}

    /**
     * @param state {@code pending}, {@code approved} or {@code denied}
     * @param by who decided, once decided
     */
    public record Approval(String state, String by, Instant at, String reason) {}

    /** Whether the job has ended (succeeded, failed, timed out or was cancelled). */
    public boolean finished() {
        return FINISHED.contains(state);
    }

    public boolean succeeded() {
        return "succeeded".equals(state);
    }

    static Job from(JsonNode node) {
        JsonNode error = Fields.node(node, "error");
        JsonNode approval = Fields.node(node, "approval");
        return new Job(
                Fields.text(node, "id"),
                Fields.text(node, "sessionId"),
                Fields.text(node, "agentId"),
                Fields.text(node, "tool"),
                Fields.node(node, "args"),
                Fields.text(node, "state"),
                node.path("attempt").asInt(0),
                Fields.instant(node, "createdAt"),
                Fields.instant(node, "deadline"),
                Fields.instant(node, "finishedAt"),
                Fields.node(node, "output"),
                error == null || !error.isObject()
                        ? null
                        : new JobError(Fields.text(error, "code"), Fields.text(error, "message")),
                approval == null || !approval.isObject()
                        ? null
                        : new Approval(
                                Fields.text(approval, "state"),
                                Fields.text(approval, "by"),
                                Fields.instant(approval, "at"),
                                Fields.text(approval, "reason")),
                node.path("replayed").asBoolean(false),
                node);
    }
}
