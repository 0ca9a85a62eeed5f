package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.audit.AuditTrail;
import io.enginex.edge.agent.dispatch.JobRunner;
import io.enginex.edge.agent.dispatch.Outbox;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs each step attempt as a job of a {@link JobRunner} over the graph job journal: the runner
 * journals {@code begin} (forced) before the tool runs and {@code finish} after, audits it, applies the
 * policy in force and redacts vault secrets, exactly as for a job the hub sent. The runner reports
 * through this class's {@link Outbox}, which hands the outcome back to the waiting step.
 *
 * <p>Thread-safe; one runner per graph job journal.
 */
public final class JobRunnerCalls implements StepCalls, Outbox {
    /** Beyond the step's timeout: the runner's wait for a stopped tool to end, plus a margin. */
    private static final Duration REPORT_SLACK = JobRunner.TOOL_END_LIMIT.plusSeconds(5);

    private final JobJournal journal;
    private final AuditTrail audit;
    private final Supplier<ToolRegistry> tools;
    private final Clock clock;
    private final Map<String, CompletableFuture<JobOutcome>> waiting = new ConcurrentHashMap<>();
    private JobRunner runner;

    /** Call {@link #attach} with the runner built over this outbox before the first call. */
    public JobRunnerCalls(JobJournal journal, Supplier<ToolRegistry> tools, AuditTrail audit, Clock clock) {
        this.journal = journal;
        this.audit = audit;
        this.tools = tools;
        this.clock = clock;
    }

    /** The runner whose outbox is this object. */
    public JobRunnerCalls attach(JobRunner jobs) {
        this.runner = jobs;
        return this;
    }

    @Override
    public JobOutcome call(String jobId, String tool, JsonNode args, Duration timeout) {
        return call(jobId, tool, args, timeout, null);
    }

    @Override
    public JobOutcome call(String jobId, String tool, JsonNode args, Duration timeout, String approvedBy) {
        return call(jobId, tool, args, timeout, approvedBy, null);
    }

    @Override
    public JobOutcome call(
            String jobId, String tool, JsonNode args, Duration timeout, String approvedBy, String requestedBy) {
        CompletableFuture<JobOutcome> outcome = new CompletableFuture<>();
        waiting.put(jobId, outcome);
        try {
            runner.dispatch(new Dispatch(
                    "graph", jobId, tool, args, clock.instant().plus(timeout), 1, approvedBy, requestedBy));
            return outcome.get(timeout.plus(REPORT_SLACK).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while step job " + jobId + " ran", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("no outcome for step job " + jobId + " (" + e + ")", e);
        } finally {
            waiting.remove(jobId);
        }
    }

    @Override
    public JobStatus prior(String jobId) {
        return journal.lookup(jobId);
    }

    @Override
    public boolean idempotent(String tool) {
        return tools.get().descriptors().stream()
                .filter(d -> d.name().equals(tool))
                .findFirst()
                .map(ToolDescriptor::annotations)
                .map(JobRunnerCalls::safeToRepeat)
                .orElse(false);
    }

    private static boolean safeToRepeat(ToolAnnotations a) {
        return Boolean.TRUE.equals(a.readOnlyHint()) || Boolean.TRUE.equals(a.idempotentHint());
    }

    @Override
    public void recordInterrupted(String jobId, String tool, JsonNode args, JobOutcome outcome) {
        audit.record(jobId, tool, args, 1, outcome);
    }

    @Override
    public void ack(String jobId) {}

    @Override
    public void progress(String jobId, String message, Double fraction) {}

    @Override
    public void result(String jobId, JobOutcome outcome, boolean replayed) {
        CompletableFuture<JobOutcome> future = waiting.get(jobId);
        if (future != null) {
            future.complete(outcome);
        }
    }
}
