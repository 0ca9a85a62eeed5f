package io.enginex.edge.agent.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.Pause;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How a job that ran (or was stopped) becomes its {@link JobOutcome}: the tool's output within the
 * frame limit, its typed error, a cancel, a passed deadline or an unexpected failure, each with the
 * job's start and the time of the verdict. Stateless; any thread.
 */
final class JobOutcomes {
    // The log lines keep the runner's logger name: they read as the runner's in the agent's log.
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    private final Clock clock;
    private final int maxOutputChars;

    JobOutcomes(Clock clock, int maxOutputChars) {
        this.clock = clock;
        this.maxOutputChars = maxOutputChars;
    }

    JobOutcome success(JsonNode output, RunningJob job) {
        if (output == null || output.isNull()) {
            return failure(ErrorCodes.INTERNAL, "tool " + job.dispatch().tool() + " returned no output", job);
        }
        int size = output.toString().length();
        if (size > maxOutputChars) {
            return failure(
                    ErrorCodes.TOOL_FAILED,
                    "the output of " + job.dispatch().tool() + " is " + size
                            + " characters, more than "
                            + (maxOutputChars == JobRunner.MAX_OUTPUT_CHARS
                                    ? "fits in one frame (" + maxOutputChars + ")"
                                    : "a graph step may return (" + maxOutputChars + ")")
                            + "; ask for less",
                    job);
        }
        return JobOutcome.success(output, job.startedAt(), clock.instant());
    }

    JobOutcome failed(RunningJob job, Throwable cause) {
        if (job.cancelled()) {
            return stopped(job);
        }
        if (!clock.instant().isBefore(job.dispatch().deadline())) {
            return deadlineExceeded(job);
        }
        if (cause instanceof ToolException e) {
            return failure(e.code(), e.getMessage(), job);
        }
        log.atError()
                .addKeyValue("jobId", job.dispatch().jobId())
                .addKeyValue("tool", job.dispatch().tool())
                .setCause(cause)
                .log("tool failed unexpectedly");
        return failure(
                ErrorCodes.INTERNAL,
                "tool " + job.dispatch().tool() + " failed unexpectedly ("
                        + cause.getClass().getSimpleName() + "); the agent's log has details",
                job);
    }

    JobOutcome stopped(RunningJob job) {
        return job.cancelled()
                ? failure(ErrorCodes.CANCELLED, "cancelled: " + job.cancelReason(), job)
                : deadlineExceeded(job);
    }

    JobOutcome deadlineExceeded(RunningJob job) {
        return failure(
                ErrorCodes.DEADLINE_EXCEEDED,
                "the job did not finish before its deadline " + job.dispatch().deadline() + "; it was stopped",
                job);
    }

    JobOutcome failure(String code, String message, RunningJob job) {
        return JobOutcome.failure(code, message, job.startedAt(), clock.instant());
    }

    /** A new job refused while the person at the machine has paused local actions. */
    JobOutcome paused(Pause paused) {
        Instant now = clock.instant();
        return JobOutcome.failure(
                ErrorCodes.AGENT_PAUSED,
                "the person at this machine (" + paused.by() + ") paused the agent's local actions at "
                        + paused.since() + "; the job was not run. It runs again once they resume"
                        + " (enginex-agent resume, or the switch on the status page).",
                now,
                now);
    }

    /** A redelivered job that an earlier process began and never finished. */
    JobOutcome interruptedByRestart() {
        Instant now = clock.instant();
        return JobOutcome.failure(
                ErrorCodes.INTERRUPTED,
                "the agent restarted while this job was running; it was not run again",
                now,
                now);
    }

    /** A job whose tool this agent stopped because the agent stops, once the tool has ended. */
    JobOutcome interruptedByStop(RunningJob job) {
        return JobOutcome.failure(
                ErrorCodes.INTERRUPTED,
                "the agent stopped while this job ran; the job was stopped (an exec command's whole process"
                        + " tree was ended) before this report, and it is not run again",
                job.startedAt(),
                clock.instant());
    }

    /** A job not run because its begin could not be journaled. */
    JobOutcome notJournaled(UncheckedIOException e, Instant startedAt) {
        return JobOutcome.failure(
                ErrorCodes.INTERNAL,
                "the agent cannot write its job" + " journal (" + e.getMessage() + "); the job was not run",
                startedAt,
                clock.instant());
    }
}
