package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import io.enginex.edge.common.graph.References;
import io.enginex.edge.common.graph.Step;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorInfo;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** Brings one step of one run to its end (or leaves it for a resume when the runner stops). */
final class StepExecution {
    /**
     * Failures that another attempt cannot change. The person's answer is one: a Deny is not asked
     * again, nor is a call that had nobody to ask (nobody signed in, several and none named) retried
     * into a dialog loop. {@code consent_timeout} (nobody answered in time) is not: the person may have
     * been away, so it is retried like any failure, as the step's {@code retry} allows.
     */
    private static final Set<String> PERMANENT = Set.of(
            ErrorCodes.BLOCKED_BY_POLICY,
            ErrorCodes.INVALID_ARGUMENTS,
            ErrorCodes.UNKNOWN_TOOL,
            ErrorCodes.AGENT_PAUSED,
            ErrorCodes.CONSENT_DENIED,
            ErrorCodes.NO_USER_SESSION,
            ErrorCodes.CONSENT_UNAVAILABLE);

    private final String runId;
    private final String graphName;
    private final Step step;
    private final GraphRunner.Parts parts;
    private final JsonNode input;
    private final Map<String, JsonNode> outputs;
    private final BooleanSupplier stopping;
    private StepRecord record;
    // How the person answered before the attempt that ended last ran its tool, or null: its settlement keeps it.
    private JsonNode consent;

    StepExecution(
            String runId,
            Step step,
            GraphRunner.Parts parts,
            RunRecord run,
            Map<String, JsonNode> outputs,
            BooleanSupplier stopping) {
        this.runId = runId;
        this.graphName = run.graphName();
        this.step = step;
        this.parts = parts;
        this.input = run.input();
        this.outputs = outputs;
        this.stopping = stopping;
        this.record = run.steps().get(step.id());
    }

    /** Runs or settles the step; returns its state (RUNNING or PENDING only when the runner stops). */
    StepState execute(Map<String, StepState> states) {
        if (record.state().settled()) {
            return record.state();
        }
        if (record.state() == StepState.RUNNING) {
            return resume();
        }
        if (record.state() == StepState.AWAITING_APPROVAL && record.error() != null) {
            return settle(StepState.FAILED, null, record.error(), null); // denied; its settlement was not written
        }
        Optional<String> blocked = step.dependsOn().stream()
                .filter(d -> states.get(d) != StepState.SUCCEEDED)
                .findFirst();
        if (blocked.isPresent()) {
            return settle(
                    StepState.SKIPPED,
                    null,
                    null,
                    "its dependency " + blocked.get() + " "
                            + states.get(blocked.get()).label());
        }
        if (step.when().isPresent() && !step.when().get().test(input, outputs)) {
            return settle(
                    StepState.SKIPPED,
                    null,
                    null,
                    "its condition is false: " + step.when().get());
        }
        if (step.approval().isPresent() && record.approvedBy() == null) {
            return approval(step.approval().get());
        }
        return attempts(1);
    }

    /**
     * The step needs a person's approval and has none: asked for once (journalled), then the run
     * waits unless {@link StepApprovals} has a decision now. A denial fails the step with the
     * decider's reason (its dependents are skipped by the usual rule).
     */
    private StepState approval(String reason) {
        if (record.state() != StepState.AWAITING_APPROVAL) {
            parts.runs().approval(runId, step.id(), "requested", null, reason);
            record = record.awaiting(null);
        }
        Optional<StepApprovals.Decision> decision =
                stopping.getAsBoolean() ? Optional.empty() : parts.approvals().decide(runId, step);
        if (decision.isEmpty()) {
            parts.listener().awaitingApproval(runId, step.id(), reason);
            return StepState.AWAITING_APPROVAL;
        }
        StepApprovals.Decision d = decision.get();
        parts.runs().approval(runId, step.id(), d.approved() ? "approved" : "denied", d.by(), d.reason());
        if (!d.approved()) {
            return settle(
                    StepState.FAILED,
                    null,
                    new ErrorInfo(
                            StepApprovals.DENIED,
                            "denied by " + d.by() + (d.reason() == null ? "" : ": " + d.reason())),
                    null);
        }
        record = record.approved(d.by());
        return attempts(1);
    }

    /** An attempt was journaled as started, and the process that started it is gone. */
    private StepState resume() {
        int attempt = record.attempts();
        return switch (parts.calls().prior(record.jobId())) {
            case JobStatus.New n -> attempts(attempt); // its job never began: the tool never ran
            case JobStatus.Finished f
            when !isInterruption(f.outcome()) -> after(attempt, f.outcome()).orElseGet(() -> attempts(attempt + 1));
            case JobStatus.Finished f -> audited(attempt, f.outcome().error().message());
            case JobStatus.Interrupted i -> audited(attempt, "the agent stopped while it ran");
            case JobStatus.Running r -> audited(attempt, "its job is still marked running");
        };
    }

    /** {@link #interrupted} for an attempt of a dead process, which never wrote its audit line. */
    private StepState audited(int attempt, String why) {
        JsonNode args;
        try {
            args = References.resolve(step.args(), input, outputs);
        } catch (References.Unresolved e) {
            args = step.args();
        }
        java.time.Instant now = java.time.Instant.now();
        parts.calls()
                .recordInterrupted(
                        record.jobId(), step.tool(), args, JobOutcome.failure(ErrorCodes.INTERRUPTED, why, now, now));
        return interrupted(attempt, why);
    }

    /** Who asks for this step's tool call, as a person asked for consent reads it. */
    private String requester() {
        return "graph " + graphName + " (run " + runId + ", step " + step.id() + ")";
    }

    private StepState attempts(int first) {
        for (int attempt = first; ; attempt++) {
            if (stopping.getAsBoolean()) {
                return record.state(); // left as it is: a resume goes on from here
            }
            JsonNode args;
            try {
                args = References.resolve(step.args(), input, outputs);
            } catch (References.Unresolved e) {
                return settle(
                        StepState.FAILED, null, new ErrorInfo(ErrorCodes.INVALID_ARGUMENTS, e.getMessage()), null);
            }
            String jobId = runId + ":" + step.id() + ":" + attempt;
            try {
                parts.runs().attempt(runId, step.id(), attempt, jobId);
            } catch (StorageQuotaExceededException e) {
                // not journalled, so not called: the tool never ran
                return settle(
                        StepState.FAILED,
                        null,
                        new ErrorInfo(StorageQuotaExceededException.CODE, e.getMessage() + "; the tool was not called"),
                        null);
            }
            record = record.started(attempt, jobId);
            parts.listener().attemptStarted(runId, step.id(), step.tool(), attempt);
            Optional<StepState> done = after(
                    attempt,
                    parts.calls().call(jobId, step.tool(), args, step.timeout(), record.approvedBy(), requester()));
            if (done.isPresent()) {
                return done.get();
            }
        }
    }

    /** The step's state after attempt {@code attempt} ended with {@code outcome}; empty to try again. */
    private Optional<StepState> after(int attempt, JobOutcome outcome) {
        consent = outcome.consent();
        if (outcome.ok()) {
            outputs.put(step.id(), outcome.output());
            return Optional.of(settle(StepState.SUCCEEDED, outcome.output(), null, null));
        }
        if (isInterruption(outcome)) {
            return Optional.of(interrupted(attempt, outcome.error().message()));
        }
        if (PERMANENT.contains(outcome.error().code())
                || attempt >= step.retry().maxAttempts()) {
            return Optional.of(settle(StepState.FAILED, null, outcome.error(), null));
        }
        Duration delay = step.retry().delayAfter(attempt);
        parts.runs().attemptFailed(runId, step.id(), attempt, outcome.error(), delay, consent);
        record = record.failedAttempt(outcome.error()).withConsent(consent);
        consent = null;
        parts.listener().retrying(runId, step.id(), attempt, outcome.error(), delay);
        try {
            parts.sleeper().sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of(record.state());
        }
        return Optional.empty();
    }

    /**
     * The attempt may have acted and its outcome is lost. An idempotent tool is called again (a new
     * attempt, unless the runner stops: then the resume does it); any other is never run again.
     */
    private StepState interrupted(int attempt, String why) {
        if (parts.calls().idempotent(step.tool())) {
            return stopping.getAsBoolean() ? record.state() : attempts(attempt + 1);
        }
        return settle(
                StepState.INTERRUPTED,
                null,
                new ErrorInfo(ErrorCodes.INTERRUPTED, why),
                "attempt " + attempt + " may have started before the agent stopped, and " + step.tool()
                        + " is not idempotent: it is not run again");
    }

    private static boolean isInterruption(JobOutcome outcome) {
        return !outcome.ok() && ErrorCodes.INTERRUPTED.equals(outcome.error().code());
    }

    private StepState settle(StepState state, JsonNode output, ErrorInfo error, String reason) {
        try {
            parts.runs().settled(runId, step.id(), state, output, error, reason, consent);
        } catch (StorageQuotaExceededException e) {
            // the tool ran and succeeded, but its output has no room: the step fails, without it
            outputs.remove(step.id());
            return settle(
                    StepState.FAILED,
                    null,
                    new ErrorInfo(
                            StorageQuotaExceededException.CODE,
                            e.getMessage() + "; " + step.tool() + " ran and succeeded, its output was not kept"),
                    null);
        }
        record = record.settled(state, output, error, reason, java.time.Instant.now())
                .withConsent(consent);
        parts.listener().settled(runId, record);
        return state;
    }
}
