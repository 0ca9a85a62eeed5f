package io.enginex.edge.protocol;

/**
 * Hub → agent: a person decided a step that waits for approval ({@link GraphApproval}) (added in protocol
 * 1.0 without a version change). Sent at once to a connected agent (by the hub node holding its
 * connection), else after its next {@code hello}; sent again after a reconnect until the agent answered
 * it. The agent applies it once, by {@code decisionId}: a repeated frame is answered as the first was and
 * runs nothing. It answers every frame with a {@link GraphDecisionOutcome}.
 *
 * <pre>{@code
 * {"type":"graphDecision","id":"h-30","decisionId":"gap_…","runId":"run_…","step":"pay","approved":true,
 *  "by":"alice@acme.example","reason":"month end"}
 * }</pre>
 *
 * @param decisionId the hub's id of the approval ({@code gap_…}), unique per tenant
 * @param approved true to run the step, false to fail it ({@code approval_denied})
 * @param by who decided on the hub
 * @param reason why (shown with a denied step); empty when none was given
 */
public record GraphDecision(
        String id, String decisionId, String runId, String step, boolean approved, String by, String reason)
        implements Message {
    public static final String TYPE = "graphDecision";

    public GraphDecision {
        Messages.requireText(id, "id");
        Messages.requireText(decisionId, "decisionId");
        Messages.requireText(runId, "runId");
        Messages.requireText(step, "step");
        Messages.requireText(by, "by");
        reason = reason == null ? "" : reason;
    }
}
