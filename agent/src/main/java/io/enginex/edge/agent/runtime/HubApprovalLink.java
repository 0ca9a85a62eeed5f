package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.connection.SessionOutbox;
import io.enginex.edge.agent.graph.HubApprovals;
import io.enginex.edge.protocol.GraphApproval;
import io.enginex.edge.protocol.GraphDecision;
import io.enginex.edge.protocol.GraphLocalDecision;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects approval steps to the hub while {@code enginex-agent run} runs: tells the hub every step that
 * waits for approval ({@code graphApproval} frames) after each welcome and whenever a step starts to wait,
 * tells it the steps decided at the machine ({@code graphLocalDecision}) after each welcome and at once when
 * decided while connected, and hands the hub's {@code graphDecision} frames to the run thread ({@link ScheduledGraphs#decide}),
 * answering each with a {@code graphDecisionOutcome}. Thread-safe; the run files are read on a virtual
 * thread of its own, never on the connection's.
 */
final class HubApprovalLink {
    private static final Logger log = LoggerFactory.getLogger(HubApprovalLink.class);

    private final HubApprovals approvals;
    private final ScheduledGraphs schedule;
    private final AtomicReference<SessionOutbox> outbox = new AtomicReference<>();

    HubApprovalLink(HubApprovals approvals, ScheduledGraphs schedule) {
        this.approvals = approvals;
        this.schedule = schedule;
    }

    /** Sends through {@code now} from now on, and tells the hub the waiting steps after each welcome. */
    void attach(SessionOutbox now) {
        outbox.set(now);
        now.onWelcome(this::pushWaiting);
    }

    /** Tells the hub every step that waits for approval, if connected; else they go after the next welcome. */
    void pushWaiting() {
        SessionOutbox out = outbox.get();
        if (out == null) {
            return;
        }
        Thread.ofVirtual().name("enginex-graph-approvals").start(() -> {
            try {
                List<GraphApproval> waiting = approvals.waiting(() -> "pending");
                for (GraphApproval w : waiting) {
                    boolean sent = out.sendWelcomed(id -> new GraphApproval(
                            id,
                            w.runId(),
                            w.step(),
                            w.graphId(),
                            w.graph(),
                            w.version(),
                            w.tool(),
                            w.args(),
                            w.reason(),
                            w.requestedAt()));
                    if (!sent) {
                        return; // not connected: all are sent after the next welcome
                    }
                }
                for (GraphLocalDecision d : approvals.decidedHere(() -> "pending")) {
                    if (!out.sendWelcomed(id -> withId(id, d))) {
                        return;
                    }
                }
            } catch (RuntimeException e) {
                log.atError()
                        .setCause(e)
                        .log("reading the graph steps that wait for approval failed; told after the next" + " welcome");
            }
        });
    }

    /**
     * A step was decided at the machine while the agent runs: the hub is told at once if connected (else after
     * the next welcome, with every other decision made here).
     */
    void decidedHere(String runId, String step) {
        SessionOutbox out = outbox.get();
        if (out == null) {
            return;
        }
        Thread.ofVirtual().name("enginex-graph-approvals").start(() -> {
            try {
                approvals
                        .decidedHere(() -> "pending", runId, step)
                        .ifPresent(d -> out.sendWelcomed(id -> withId(id, d)));
            } catch (RuntimeException e) {
                log.atError()
                        .setCause(e)
                        .log("telling the hub of a decision made at the machine failed; told after"
                                + " the next welcome");
            }
        });
    }

    private static GraphLocalDecision withId(String id, GraphLocalDecision d) {
        return new GraphLocalDecision(id, d.runId(), d.step(), d.approved(), d.by(), d.reason(), d.decidedAt());
    }

    /** The hub decided a step: applied on the run thread, answered once journalled. */
    void decide(GraphDecision decision) {
        boolean queued = schedule.decide(decision, applied -> {
            SessionOutbox out = outbox.get();
            if (out == null || !out.sendWelcomed(id -> applied.frame(id, decision))) {
                log.atInfo()
                        .addKeyValue("decisionId", decision.decisionId())
                        .log("not connected to answer the hub's decision; it sends it again and is answered then");
            }
        });
        if (!queued) {
            log.atInfo()
                    .addKeyValue("decisionId", decision.decisionId())
                    .log("stopping; the hub's decision waits for the" + " next start");
        }
    }
}
