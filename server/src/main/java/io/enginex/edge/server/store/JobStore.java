package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface JobStore {
    /**
     * Writes a new job (state QUEUED or AWAITING_APPROVAL, attempt 0).
     *
     * @return the job as written (its times as the database keeps them), without reading it back
     */
    Job create(Job job);

    Optional<Job> find(String tenantId, String id);

    /** Oldest first. */
    List<Job> listBySession(String tenantId, String sessionId);

    /** Jobs of this agent not yet finished (queued, dispatched, running), oldest first. */
    List<Job> listUnfinished(String tenantId, String agentId);

    /** Every tenant's jobs still queued (not known to be sent) that were created before {@code createdBefore}, oldest first, at most {@code limit}. */
    List<Job> listQueued(Instant createdBefore, int limit);

    /** This agent's latest {@code limit} jobs in any state, newest first. */
    List<Job> listByAgent(String tenantId, String agentId, int limit);

    /**
     * A delivery of a job to its agent as the hub made it: when it was sent, which attempt it was
     * (0 when unknown: then the job's count goes up by one), and, if the agent acknowledged it, when,
     * and its last sign of life (acknowledgement or progress) since.
     */
    record Delivery(String tenantId, String id, Instant sentAt, int attempt, Instant ackedAt, Instant lastSeen) {
        /** A delivery sent at {@code sentAt}, one more than the job's count, not acknowledged. */
        public static Delivery sent(String tenantId, String id, Instant sentAt) {
            return new Delivery(tenantId, id, sentAt, 0, null, null);
        }
    }

    /**
     * Records deliveries, in one batch: state DISPATCHED, or RUNNING when acknowledged (started_at the
     * acknowledgement, last_progress_at the last sign of life); attempt one more than recorded, and at
     * least the delivery's; dispatched_at the time sent. Finished jobs are left as they are.
     *
     * @return how many jobs were changed
     */
    int markDelivered(List<Delivery> deliveries);

    /**
     * Marks a delivery: state DISPATCHED (unless already RUNNING), attempt + 1, dispatched_at = now.
     *
     * @return false if it is finished or gone (nothing was changed)
     */
    default boolean markDispatched(String tenantId, String id, Instant now) {
        return markDelivered(List.of(Delivery.sent(tenantId, id, now))) == 1;
    }

    /** The agent acknowledged: DISPATCHED → RUNNING, started_at = now (first time only). */
    void markRunning(String tenantId, String id, String agentId, Instant now);

    /** A progress frame: renews the job's lease. */
    void markProgress(String tenantId, String id, String agentId, Instant now);

    /**
     * Records how a job ended, if it has not ended yet. The first outcome wins; later ones (a
     * redelivered job's answer, a result after the deadline) change nothing.
     *
     * @param agentId the reporting agent; a result from another agent changes nothing
     * @return true if this call finished the job
     */
    boolean complete(String tenantId, String id, String agentId, Outcome outcome);

    /**
     * The job as {@link #complete} wrote it when {@code outcome} was the first, computed from the row
     * as it was read before ({@code before}) without reading it again: what a long-poll woken by the
     * outcome answers.
     *
     * @throws IllegalArgumentException when the outcome has no {@code finishedAt} (complete takes its
     *     own clock then, so only a read can tell)
     */
    Job completed(Job before, Outcome outcome);

    /**
     * A job awaiting approval becomes QUEUED, recording who approved it, when and why.
     *
     * @return the job after the update, or empty if it is not awaiting approval (decided, timed out, gone)
     */
    Optional<Job> approve(String tenantId, String id, String by, String reason, Instant now);

    /**
     * A job awaiting approval becomes CANCELLED with error code {@code approval_denied} and the reason.
     *
     * @return the job after the update, or empty if it is not awaiting approval
     */
    Optional<Job> deny(String tenantId, String id, String by, String reason, Instant now);

    /** The tenant's jobs in {@code state}, newest first, at most {@code limit}. */
    List<Job> listByState(String tenantId, JobState state, int limit);

    /** Marks every unfinished job whose deadline passed as TIMED_OUT; returns those jobs. */
    List<Job> expire(Instant now);

    /**
     * Final state and payload of a job. Exactly one of outputJson / errorCode is set. {@code startedAt}
     * (used when the hub saw no ack) and {@code finishedAt} are the hub's clock; {@code device} the
     * agent's own report, kept apart, or null. {@code delivery} is the delivery that was answered, when
     * the outcome is the agent's: its time sent and attempt are recorded if no mark of it was (a job
     * answered soon after it was sent is never marked dispatched, see {@code Deliveries}); else null.
     * {@code consentJson} is the agent's record of the consent of the person at the machine, or null.
     */
    record Outcome(
            JobState state,
            String outputJson,
            String errorCode,
            String errorMessage,
            Instant startedAt,
            Instant finishedAt,
            boolean replayed,
            Job.DeviceTimes device,
            Delivery delivery,
            String consentJson) {
        public Outcome {
            if (!state.terminal()) {
                throw new IllegalArgumentException("an outcome's state must be terminal, got " + state);
            }
        }

        /** An outcome of a job whose tool asked nobody's consent at the machine. */
        public Outcome(
                JobState state,
                String outputJson,
                String errorCode,
                String errorMessage,
                Instant startedAt,
                Instant finishedAt,
                boolean replayed,
                Job.DeviceTimes device,
                Delivery delivery) {
            this(state, outputJson, errorCode, errorMessage, startedAt, finishedAt, replayed, device, delivery, null);
        }

        /** An outcome with no delivery to record. */
        public Outcome(
                JobState state,
                String outputJson,
                String errorCode,
                String errorMessage,
                Instant startedAt,
                Instant finishedAt,
                boolean replayed,
                Job.DeviceTimes device) {
            this(state, outputJson, errorCode, errorMessage, startedAt, finishedAt, replayed, device, null);
        }

        /** An outcome the hub decided itself, with no device times. */
        public Outcome(
                JobState state,
                String outputJson,
                String errorCode,
                String errorMessage,
                Instant startedAt,
                Instant finishedAt,
                boolean replayed) {
            this(state, outputJson, errorCode, errorMessage, startedAt, finishedAt, replayed, null);
        }
    }
}
