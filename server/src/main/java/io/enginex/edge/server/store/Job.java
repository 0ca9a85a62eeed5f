package io.enginex.edge.server.store;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * One tool call on one agent, one typed value from the API through the store to the {@code
 * dispatch} frame: {@code args} is the arguments object as the caller sent it (never re-read from
 * text on the way; treat it as read-only), {@code outputJson} holds the result's JSON text; {@code
 * errorCode}/{@code errorMessage} are set for failed, timed-out and cancelled jobs. {@code attempt}
 * counts deliveries to the agent. {@code approval} is null for a job that needed no approval.
 *
 * <p>{@code startedAt} and {@code finishedAt} are the hub's clock (when the agent's ack and result
 * arrived); {@code device} holds the times the agent reported from its own clock, or null.
 *
 * <p>{@code requestedBy} says for people who asked for the job ({@code alice@acme.example (dashboard)},
 * {@code API key ci-bot}, {@code … via MCP client claude-code 2.1.0}); the dispatch frame carries it to
 * the agent, which shows it to a person asked for consent. Null for jobs made before it was kept.
 */
public record Job(
        String id,
        String tenantId,
        String sessionId,
        String agentId,
        String tool,
        JsonNode args,
        JobState state,
        int attempt,
        Instant createdAt,
        Instant deadline,
        Instant dispatchedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant lastProgressAt,
        String outputJson,
        String errorCode,
        String errorMessage,
        boolean replayed,
        Approval approval,
        DeviceTimes device,
        String consentJson,
        String requestedBy) {
    public Job {
        Objects.requireNonNull(args, "args");
    }

    /**
     * A job as it is made: not sent yet (attempt 0), no times but its creation and deadline, no result,
     * no approval decision and no device times.
     */
    public static Job created(
            String id,
            String tenantId,
            String sessionId,
            String agentId,
            String tool,
            JsonNode args,
            JobState state,
            Instant createdAt,
            Instant deadline) {
        return new Job(
                id, tenantId, sessionId, agentId, tool, args, state, 0, createdAt, deadline, null, null, null, null,
                null, null, null, false, null, null, null, null);
    }

    /** This job as it was written: awaiting its approval when its state says so. */
    public Job stored() {
        Approval pending = state == JobState.AWAITING_APPROVAL && approval == null ? Approval.pending() : approval;
        return new Job(
                id,
                tenantId,
                sessionId,
                agentId,
                tool,
                args,
                state,
                attempt,
                createdAt,
                deadline,
                dispatchedAt,
                startedAt,
                finishedAt,
                lastProgressAt,
                outputJson,
                errorCode,
                errorMessage,
                replayed,
                pending,
                device,
                consentJson,
                requestedBy);
    }

    /** This job sent to its agent once more at {@code at}: dispatched, or still running if it was. */
    public Job dispatched(Instant at) {
        JobState now = state == JobState.RUNNING ? JobState.RUNNING : JobState.DISPATCHED;
        return new Job(
                id,
                tenantId,
                sessionId,
                agentId,
                tool,
                args,
                now,
                attempt + 1,
                createdAt,
                deadline,
                at,
                startedAt,
                finishedAt,
                lastProgressAt,
                outputJson,
                errorCode,
                errorMessage,
                replayed,
                approval,
                device,
                consentJson,
                requestedBy);
    }

    /** This job as asked for by {@code requester} (see the class comment; null: unknown). */
    public Job withRequestedBy(String requester) {
        return new Job(
                id,
                tenantId,
                sessionId,
                agentId,
                tool,
                args,
                state,
                attempt,
                createdAt,
                deadline,
                dispatchedAt,
                startedAt,
                finishedAt,
                lastProgressAt,
                outputJson,
                errorCode,
                errorMessage,
                replayed,
                approval,
                device,
                consentJson,
                requester);
    }

    /** The arguments as compact JSON text (for the database and for display). */
    public String argsJson() {
        return args.toString();
    }

    /**
     * When the agent says the job started and finished, by the device's clock, which the hub does not
     * control (it may be off by any amount). Shown labelled as the device's; never used for ordering,
     * deadlines or durations. Either may be null.
     */
    public record DeviceTimes(Instant startedAt, Instant finishedAt) {
        /** The times, or null when the agent reported neither. */
        public static DeviceTimes of(Instant startedAt, Instant finishedAt) {
            return startedAt == null && finishedAt == null ? null : new DeviceTimes(startedAt, finishedAt);
        }
    }

    /**
     * A person's decision on a job that needs one.
     *
     * @param state {@code pending}, {@code approved} or {@code denied}
     * @param by who decided (user or API key id), null while pending
     * @param at when, null while pending
     * @param reason why, as they wrote it, or null
     */
    public record Approval(String state, String by, Instant at, String reason) {
        public static final String PENDING = "pending";
        public static final String APPROVED = "approved";
        public static final String DENIED = "denied";

        public static Approval pending() {
            return new Approval(PENDING, null, null, null);
        }

        public boolean approved() {
            return APPROVED.equals(state);
        }
    }
}
