package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Approval steps of graph runs. Every call is tenant-scoped; the conditional updates ({@link #decide},
 * {@link #claim}, {@link #answer}) are what make a step decided once and a decision sent by one node.
 */
public interface GraphApprovalStore {
    /** Stores a waiting approval unless the agent told of that run and step before. @return true when new */
    boolean insertIfAbsent(GraphApprovalRecord approval);

    Optional<GraphApprovalRecord> find(String tenantId, String id);

    /** The tenant's approvals, those still waiting first, then newest first; of one state when not null. */
    List<GraphApprovalRecord> list(String tenantId, String state, String runId, int limit);

    /**
     * Records the decision on a waiting approval.
     *
     * @return false when it is not waiting (decided already)
     */
    boolean decide(String tenantId, String id, boolean approved, String by, String reason, Instant at);

    /** The agent's decided approvals that wait to be sent, oldest decision first. */
    List<GraphApprovalRecord> decidedFor(String tenantId, String agentId);

    /** Every tenant's decided approvals that wait to be sent, at most {@code limit}. */
    List<GraphApprovalRecord> decided(int limit);

    /** @return true for the one caller that moved it from decided to sent */
    boolean claim(String tenantId, String id, String node, Instant now);

    /** Puts the agent's sent, unanswered decisions back to decided (sent on a connection that is gone). */
    void requeueSent(String tenantId, String agentId);

    /** Puts one claimed decision whose frame could not be written back to decided. */
    void requeue(String tenantId, String id);

    /**
     * Records the agent's answer to a decision sent to it; a later answer (to a repeated frame) changes
     * nothing. Only the agent the approval belongs to answers.
     *
     * @return false when there is no such decided approval of that agent, or it was answered already
     */
    boolean answer(String tenantId, String agentId, String id, String outcome, String message, Instant at);

    /**
     * Records that the agent's step was decided at the machine: a waiting approval of that agent, run and
     * step becomes answered with outcome {@code decided_on_machine}, with who decided and when (the device's
     * clock) and when the hub learnt it. A repeat, or an approval the hub decided or never stored, changes
     * nothing.
     *
     * @return the approval's id when it was waiting and is now marked
     */
    Optional<String> decidedOnMachine(
            String tenantId,
            String agentId,
            String runId,
            String stepId,
            boolean approved,
            String by,
            String reason,
            Instant decidedAt,
            Instant arrivedAt);
}
