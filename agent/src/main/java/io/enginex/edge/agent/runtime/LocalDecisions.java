package io.enginex.edge.agent.runtime;

import io.enginex.edge.agent.audit.AuditLog;
import io.enginex.edge.agent.graph.HubApprovals;
import io.enginex.edge.agent.graph.StepApprovals;
import io.enginex.edge.agent.policy.EffectivePolicy;
import io.enginex.edge.agent.ui.GraphStarter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Decisions on graph approval steps made by the person at the machine while {@code enginex-agent run} runs
 * ({@code graph decide} through the status page's local API): allowed only when the effective policy lets
 * the machine decide (machine and tenant policy both set {@code localGraphDecisions}), applied on the run
 * thread like a hub decision ({@link ScheduledGraphs#decideLocally}, the first decision wins), and one
 * {@code graph.decide} line in {@code audit.jsonl} each, refused or not. Thread-safe; {@link #decide} blocks
 * the calling (status page) thread until the decision is journalled, at most {@link #WAIT}.
 */
final class LocalDecisions implements GraphStarter.Decider {
    /** How long a request waits for the run thread (busy with another run) before it is answered queued. */
    static final Duration WAIT = Duration.ofSeconds(20);

    /** Applies a decision on the run thread. */
    @FunctionalInterface
    interface RunThread {
        CompletableFuture<HubApprovals.Applied> decide(String runId, String step, StepApprovals.Decision decision);
    }

    private final Supplier<EffectivePolicy> policy;
    private final RunThread runThread;
    private final AuditLog audit;
    private final java.util.function.BiConsumer<String, String> applied;

    /** @param applied told the run and step of each decision applied (so the hub learns of it) */
    LocalDecisions(
            Supplier<EffectivePolicy> policy,
            RunThread runThread,
            AuditLog audit,
            java.util.function.BiConsumer<String, String> applied) {
        this.policy = policy;
        this.runThread = runThread;
        this.audit = audit;
        this.applied = applied;
    }

    @Override
    public GraphStarter.Decided decide(
            String runId, String step, boolean approve, String reason, String account, String via) {
        String by = "local:" + account;
        GraphStarter.Decided decided = decided(runId, step, new StepApprovals.Decision(approve, by, reason));
        audit.recordGraphDecision(runId, step, approve, by, via, decided.outcome(), decided.message());
        if (decided.outcome().equals(io.enginex.edge.protocol.GraphDecisionOutcome.APPLIED)) {
            applied.accept(runId, step);
        }
        return decided;
    }

    private GraphStarter.Decided decided(String runId, String step, StepApprovals.Decision decision) {
        Optional<String> refused = policy.get().localGraphDecisionsRefused();
        if (refused.isPresent()) {
            return new GraphStarter.Decided(GraphStarter.Decided.NOT_ALLOWED, refused.get());
        }
        try {
            HubApprovals.Applied applied =
                    runThread.decide(runId, step, decision).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return new GraphStarter.Decided(applied.outcome(), applied.message());
        } catch (ExecutionException e) {
            return new GraphStarter.Decided("stopping", e.getCause().getMessage());
        } catch (TimeoutException e) {
            return new GraphStarter.Decided(
                    "queued",
                    "queued behind the graph run going on; it is applied when that run ends (if nobody decided"
                            + " first): see enginex-agent graph runs");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new GraphStarter.Decided("stopping", "interrupted; decide again");
        }
    }
}
