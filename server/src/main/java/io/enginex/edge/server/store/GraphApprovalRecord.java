package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A step of a graph run that waits (or waited) for approval, as the agent told the hub, and the hub's
 * decision on it.
 *
 * @param args the step's arguments as the agent would run them, secrets redacted by the agent (JSON text)
 * @param requestedAt when the step started to wait (the device's clock)
 * @param arrivedAt when the hub first heard of it
 * @param state {@value #WAITING}, {@value #DECIDED} (a decision waits to be sent), {@value #SENT} (sent, not
 *     answered yet) or {@value #ANSWERED} (the agent said what became of it: {@link #outcome})
 * @param approved the decision, null while waiting
 * @param outcome the agent's answer ({@code applied}, {@code already_decided}, {@code not_waiting}, {@code
 *     graph_withdrawn}), null until answered
 */
public record GraphApprovalRecord(
        String id,
        String tenantId,
        String agentId,
        String runId,
        String stepId,
        String graphId,
        String graphName,
        Integer graphVersion,
        String tool,
        String args,
        String reason,
        Instant requestedAt,
        Instant arrivedAt,
        String state,
        Boolean approved,
        String decidedBy,
        Instant decidedAt,
        String decisionReason,
        Instant sentAt,
        String sentByNode,
        String outcome,
        String outcomeMessage,
        Instant answeredAt) {
    public static final String WAITING = "waiting";
    public static final String DECIDED = "decided";
    public static final String SENT = "sent";
    public static final String ANSWERED = "answered";

    /** A new waiting approval. */
    public static GraphApprovalRecord waiting(
            String id,
            String tenantId,
            String agentId,
            String runId,
            String stepId,
            String graphId,
            String graphName,
            Integer graphVersion,
            String tool,
            String args,
            String reason,
            Instant requestedAt,
            Instant arrivedAt) {
        return new GraphApprovalRecord(
                id,
                tenantId,
                agentId,
                runId,
                stepId,
                graphId,
                graphName,
                graphVersion,
                tool,
                args,
                reason,
                requestedAt,
                arrivedAt,
                WAITING,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null);
    }
}
