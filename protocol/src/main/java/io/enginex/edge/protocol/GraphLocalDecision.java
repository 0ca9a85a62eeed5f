package io.enginex.edge.protocol;

import java.time.Instant;
import java.util.Objects;

/**
 * Agent → hub: a step that waited for approval was decided at the machine (by {@code enginex-agent graph
 * decide}, while the agent was stopped or, where the policy allows it, while it runs) (added in protocol 1.0
 * without a version change). Sent at once when decided on a welcomed connection, and again after every {@code
 * welcome} for each step of the runs the agent keeps that was decided at the machine, so an agent that was
 * offline tells the hub at its reconnect. The hub marks its approval of that agent, run and step decided at the
 * machine if it still waits; a repeated frame, or one for a step the hub never saw waiting or decided itself,
 * changes nothing. It is not answered.
 *
 * <pre>{@code
 * {"type":"graphLocalDecision","id":"a-40","runId":"run_…","step":"pay","approved":true,"by":"local:ana",
 *  "reason":"","decidedAt":"2026-12-05T09:12:00Z"}
 * }</pre>
 *
 * @param approved true when the step was approved (it runs), false when denied ({@code approval_denied})
 * @param by who decided, {@code local:ACCOUNT}
 * @param reason why; empty when none was given
 * @param decidedAt when it was decided (the device's clock)
 */
public record GraphLocalDecision(
        String id, String runId, String step, boolean approved, String by, String reason, Instant decidedAt)
        implements Message {
    public static final String TYPE = "graphLocalDecision";

    public GraphLocalDecision {
        Messages.requireText(id, "id");
        Messages.requireText(runId, "runId");
        Messages.requireText(step, "step");
        Messages.requireText(by, "by");
        Objects.requireNonNull(decidedAt, "decidedAt");
        reason = reason == null ? "" : reason;
    }
}
