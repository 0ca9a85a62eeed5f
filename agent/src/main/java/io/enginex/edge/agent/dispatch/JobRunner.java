package io.enginex.edge.agent.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.agent.audit.AuditTrail;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import io.enginex.edge.agent.journal.RecordedProcess;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.Pause;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs dispatched jobs at most once per job id.
 *
 * <p>On {@link #dispatch}: ack, then by journal status: finished → resend the stored outcome with
 * {@code replayed=true}; running in this process → nothing (its result follows); begun by an earlier
 * process → error {@code interrupted}, never run again; new → {@code begin} (forced to disk), run the
 * tool on a virtual thread, {@code finish}, send the result. A result the outbox cannot deliver stays
 * in the journal and is replayed when the hub redelivers the job.
 *
 * <p>Threads: {@link #dispatch} and {@link #cancel} are called on the connection's receive thread and
 * return without waiting for tools. Each job has a supervising virtual thread that waits for the
 * deadline, and the tool runs on another, which first takes a slot of its tool (the effective
 * policy's {@code limits.concurrency}, waiting and reporting progress while the tool is at its cap)
 * and then one of {@code maxConcurrent} permits.
 */
public final class JobRunner implements AutoCloseable {
    /** Outputs larger than this cannot travel in one frame; such a result becomes an error. */
    static final int MAX_OUTPUT_CHARS = FrameLimits.DEFAULT.maxFrameBytes() - 64 * 1024;

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    /** How often a call waiting for a concurrency slot reports that it still waits. */
    public static final Duration WAIT_REPORT_INTERVAL = Duration.ofSeconds(5);

    /**
     * How long a stopped tool may take to end what it started (an {@code exec} tree: SIGTERM, grace,
     * SIGKILL) before its job is reported anyway; longer than {@code CommandRunner.DEFAULT_GRACE}
     * plus its last wait.
     */
    public static final Duration TOOL_END_LIMIT = Duration.ofSeconds(15);

    /** The cancel reason of jobs stopped because the agent stops. */
    static final String AGENT_STOPPING = "the agent is stopping";

    /** How often the agent renews running jobs' leases; well inside the hub's default 2 min. */
    public static final Duration LEASE_RENEWAL_INTERVAL = Duration.ofSeconds(30);

    private final Supplier<ToolRegistry> tools;
    private final ToIntFunction<String> caps;
    private final ToolSlots slots;
    private final AuditTrail audit;
    private final JobJournal journal;
    private final Outbox outbox;
    private final ExecutorService executor;
    private final Clock clock;
    private final Semaphore permits;
    private final ReentrantLock admission = new ReentrantLock();
    private final Map<String, RunningJob> running = new ConcurrentHashMap<>();
    private final Supplier<Pause> pause;
    private volatile boolean closing;

    /** A runner without an audit trail. */
    public JobRunner(
            ToolRegistry tools,
            JobJournal journal,
            Outbox outbox,
            ExecutorService executor,
            Clock clock,
            int maxConcurrent) {
        this(tools, journal, outbox, executor, clock, maxConcurrent, AuditTrail.NONE);
    }

    /**
     * @param executor runs supervisors and tools; a virtual-thread-per-task executor
     * @param maxConcurrent tools running at once; further jobs wait (their deadline still counts)
     * @param audit receives every finished invocation, allowed or refused
     */
    public JobRunner(
            ToolRegistry tools,
            JobJournal journal,
            Outbox outbox,
            ExecutorService executor,
            Clock clock,
            int maxConcurrent,
            AuditTrail audit) {
        this(tools, journal, outbox, executor, clock, maxConcurrent, audit, () -> null);
    }

    /**
     * @param pause the person's pause switch: while it gives a pause, new jobs are answered {@code
     *     agent_paused} without running (and without a journal entry, so they may run once resumed if the
     *     hub sends them again); jobs already running finish, and finished ones are still answered from
     *     the journal
     */
    public JobRunner(
            ToolRegistry tools,
            JobJournal journal,
            Outbox outbox,
            ExecutorService executor,
            Clock clock,
            int maxConcurrent,
            AuditTrail audit,
            Supplier<Pause> pause) {
        this(
                () -> tools,
                tool -> Integer.MAX_VALUE,
                journal,
                outbox,
                executor,
                clock,
                maxConcurrent,
                audit,
                WAIT_REPORT_INTERVAL,
                pause);
    }

    /** A runner whose tools may change while it runs, never paused. */
    public JobRunner(
            Supplier<ToolRegistry> tools,
            ToIntFunction<String> caps,
            JobJournal journal,
            Outbox outbox,
            ExecutorService executor,
            Clock clock,
            int maxConcurrent,
            AuditTrail audit,
            Duration waitReport) {
        this(tools, caps, journal, outbox, executor, clock, maxConcurrent, audit, waitReport, () -> null);
    }

    /**
     * A runner whose tools and per-tool caps may change while it runs (a new tenant policy).
     *
     * @param tools the tools in force; read once per job, when it starts to run
     * @param caps how many calls of a tool may run at once (read again while a call waits)
     * @param waitReport how often a call waiting for a slot reports progress
     * @param pause the person's pause switch (see above)
     */
    public JobRunner(
            Supplier<ToolRegistry> tools,
            ToIntFunction<String> caps,
            JobJournal journal,
            Outbox outbox,
            ExecutorService executor,
            Clock clock,
            int maxConcurrent,
            AuditTrail audit,
            Duration waitReport,
            Supplier<Pause> pause) {
        this.pause = pause;
        this.audit = audit;
        this.tools = tools;
        this.caps = caps;
        this.slots = new ToolSlots(waitReport);
        this.journal = journal;
        this.outbox = outbox;
        this.executor = executor;
        this.clock = clock;
        this.permits = new Semaphore(maxConcurrent, true);
    }

    /**
     * Renews the lease of every job still running here: one {@code progress} frame each ("still
     * running"), so the hub does not show this agent as unresponsive while a tool that reports no
     * progress of its own works within its deadline. A wedged agent stops renewing, and a hung tool
     * still ends at its deadline. Called every {@link #LEASE_RENEWAL_INTERVAL} by the agent.
     *
     * @return how many leases were renewed
     */
    public int renewLeases() {
        int renewed = 0;
        for (RunningJob job : running.values()) {
            if (!job.cancelled()) {
                outbox.progress(job.dispatch().jobId(), "still running", null);
                renewed++;
            }
        }
        return renewed;
    }

    /** Handles one dispatch (first delivery or a redelivery). */
    public void dispatch(Dispatch dispatch) {
        String jobId = dispatch.jobId();
        outbox.ack(jobId);
        admission.lock();
        try {
            switch (journal.lookup(jobId)) {
                case JobStatus.Finished finished -> {
                    log.atInfo()
                            .addKeyValue("jobId", jobId)
                            .addKeyValue("tool", dispatch.tool())
                            .addKeyValue("attempt", dispatch.attempt())
                            .addKeyValue("outcome", finished.outcome().summary())
                            .log("job redelivered; answered from the journal");
                    outbox.result(jobId, finished.outcome(), true);
                }
                case JobStatus.Running r ->
                    log.atInfo()
                            .addKeyValue("jobId", jobId)
                            .addKeyValue("attempt", dispatch.attempt())
                            .log("job redelivered while running; its result will follow");
                case JobStatus.Interrupted i -> interrupted(dispatch);
                case JobStatus.New n -> {
                    Pause paused = pause.get();
                    if (closing) {
                        log.atInfo()
                                .addKeyValue("jobId", jobId)
                                .log(
                                        "job not started: the agent is stopping; the hub sends it again to the next start");
                    } else if (paused == null) {
                        start(dispatch);
                    } else {
                        refusePaused(dispatch, paused);
                    }
                }
            }
        } finally {
            admission.unlock();
        }
    }

    /** Stops a running job; its result will be error {@code cancelled}. Unknown or finished jobs are ignored. */
    public void cancel(Cancel cancel) {
        RunningJob job = running.get(cancel.jobId());
        if (job == null) {
            log.atDebug().addKeyValue("jobId", cancel.jobId()).log("cancel for a job that is not running; ignored");
            return;
        }
        log.atInfo()
                .addKeyValue("jobId", cancel.jobId())
                .addKeyValue("reason", cancel.reason())
                .log("cancelling job");
        job.cancel(cancel.reason());
    }

    /** Jobs currently between begin and finish. */
    public int runningJobs() {
        return running.size();
    }

    /**
     * Stops the agent's jobs for good: no new job starts, each running tool is stopped (an {@code
     * exec} command's whole process tree is ended: SIGTERM, grace period, SIGKILL), and once it has
     * ended its job is journaled and reported as {@code interrupted}, with one log line per job.
     * Returns when every job was reported, or after {@code limit}; a job whose tool did not end by
     * then stays begun in the journal, so the next start reports it (and ends its tree first).
     * Idempotent; call it while the connection is still up, so the reports reach the hub.
     *
     * @return the jobs still running when it gave up (0 when all were reported)
     */
    public int stop(Duration limit) {
        admission.lock();
        try {
            closing = true; // under the admission lock: no job starts after the snapshot below
        } finally {
            admission.unlock();
        }
        List<RunningJob> jobs = List.copyOf(running.values());
        jobs.forEach(job -> job.cancel(AGENT_STOPPING));
        Instant end = clock.instant().plus(limit);
        int unreported = 0;
        try {
            for (RunningJob job : jobs) {
                Duration left = Duration.between(clock.instant(), end);
                if (!job.awaitReported(left.isNegative() ? Duration.ZERO : left)) {
                    unreported++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return unreported;
    }

    /** {@link #stop(Duration)} with {@link #TOOL_END_LIMIT}. */
    @Override
    public void close() {
        stop(TOOL_END_LIMIT);
    }

    private void refusePaused(Dispatch dispatch, Pause paused) {
        Instant now = clock.instant();
        JobOutcome outcome = JobOutcome.failure(
                ErrorCodes.AGENT_PAUSED,
                "the person at this machine (" + paused.by() + ") paused the agent's local actions at "
                        + paused.since() + "; the job was not run. It runs again once they resume"
                        + " (enginex-agent resume, or the switch on the status page).",
                now,
                now);
        audit.record(dispatch.jobId(), dispatch.tool(), dispatch.args(), dispatch.attempt(), outcome);
        log.atInfo()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("pausedBy", paused.by())
                .log("job refused: local actions are paused");
        outbox.result(dispatch.jobId(), outcome, false);
    }

    private void interrupted(Dispatch dispatch) {
        Instant now = clock.instant();
        JobOutcome outcome = JobOutcome.failure(
                ErrorCodes.INTERRUPTED,
                "the agent restarted while this job was running; it was not run again",
                now,
                now);
        record(dispatch, outcome);
        log.atWarn()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("outcome", outcome.summary())
                .log("job was interrupted by an agent restart; not run again");
        outbox.result(dispatch.jobId(), outcome, false);
    }

    private void start(Dispatch dispatch) {
        Instant startedAt = clock.instant();
        try {
            journal.begin(dispatch.jobId());
        } catch (UncheckedIOException e) {
            // Without a durable begin, running could break at-most-once after a crash: refuse instead.
            log.atError().addKeyValue("jobId", dispatch.jobId()).setCause(e).log("cannot journal job; not running it");
            outbox.result(
                    dispatch.jobId(),
                    JobOutcome.failure(
                            ErrorCodes.INTERNAL,
                            "the agent cannot write its job" + " journal (" + e.getMessage() + "); the job was not run",
                            startedAt,
                            clock.instant()),
                    false);
            return;
        }
        RunningJob job = new RunningJob(dispatch, startedAt);
        running.put(dispatch.jobId(), job);
        log.atDebug()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("path", dispatch.args().path("path").asText(""))
                .log("job starting");
        executor.execute(() -> supervise(job));
    }

    private void supervise(RunningJob job) {
        Dispatch dispatch = job.dispatch();
        Duration remaining = Duration.between(clock.instant(), dispatch.deadline());
        JobOutcome outcome;
        if (remaining.isNegative() || remaining.isZero()) {
            outcome = failure(
                    ErrorCodes.DEADLINE_EXCEEDED,
                    "the job's deadline " + dispatch.deadline() + " had passed when it arrived; it was not run",
                    job);
        } else {
            Future<JsonNode> future = executor.submit(() -> {
                if (!job.enter()) {
                    return null; // given up on before it started
                }
                try {
                    return callTool(job);
                } finally {
                    job.exit();
                }
            });
            job.attach(future);
            try {
                try {
                    outcome = success(future.get(remaining.toMillis(), TimeUnit.MILLISECONDS), job);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    outcome = deadlineExceeded(job);
                } catch (CancellationException e) {
                    outcome = stopped(job);
                } catch (ExecutionException e) {
                    outcome = failed(job, e.getCause());
                }
                // A stopped tool may still be ending what it started: report only after it ended.
                if (!job.awaitToolEnd(TOOL_END_LIMIT)) {
                    log.atError()
                            .addKeyValue("jobId", dispatch.jobId())
                            .addKeyValue("tool", dispatch.tool())
                            .addKeyValue("waitedMs", TOOL_END_LIMIT.toMillis())
                            .log("stopped tool did not end in time; reporting its job anyway");
                }
            } catch (InterruptedException e) {
                future.cancel(true);
                Thread.currentThread().interrupt();
                running.remove(dispatch.jobId());
                job.reported();
                return; // the next process reports this job as interrupted
            }
        }
        if (closing && job.stoppedBy(AGENT_STOPPING) && !outcome.ok()) {
            outcome = JobOutcome.failure(
                    ErrorCodes.INTERRUPTED,
                    "the agent stopped while this job ran; the job was stopped (an exec command's whole process"
                            + " tree was ended) before this report, and it is not run again",
                    job.startedAt(),
                    clock.instant());
            log.atWarn()
                    .addKeyValue("jobId", dispatch.jobId())
                    .addKeyValue("tool", dispatch.tool())
                    .addKeyValue("outcome", outcome.summary())
                    .log("job interrupted: the agent stopped; its tool and process tree ended");
        }
        running.remove(dispatch.jobId());
        try {
            report(dispatch, outcome);
        } finally {
            job.reported();
        }
    }

    private void report(Dispatch dispatch, JobOutcome outcome) {
        record(dispatch, outcome);
        log.atInfo()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("attempt", dispatch.attempt())
                .addKeyValue("outcome", outcome.summary())
                .addKeyValue(
                        "durationMs",
                        Duration.between(outcome.startedAt(), outcome.finishedAt())
                                .toMillis())
                .log("job finished");
        outbox.result(dispatch.jobId(), outcome, false);
    }

    private JsonNode callTool(RunningJob job) throws InterruptedException {
        Dispatch dispatch = job.dispatch();
        String tool = dispatch.tool();
        // The tool's own cap first: a call waiting for its tool must not hold one of the shared permits.
        slots.acquire(tool, () -> caps.applyAsInt(tool), (running, cap) -> {
            if (!job.cancelled()) {
                outbox.progress(
                        dispatch.jobId(),
                        "waiting for a free " + tool + " slot: " + running + " of " + cap
                                + " running (limits.concurrency of the effective policy)",
                        null);
            }
        });
        try {
            return callWithPermit(job);
        } finally {
            slots.release(tool);
        }
    }

    private JsonNode callWithPermit(RunningJob job) throws InterruptedException {
        permits.acquire();
        try {
            Dispatch dispatch = job.dispatch();
            ToolContext context = new ToolContext(
                    dispatch.jobId(),
                    dispatch.deadline(),
                    clock,
                    (message, fraction) -> {
                        if (!job.cancelled()) {
                            outbox.progress(dispatch.jobId(), message, fraction);
                        }
                    },
                    job::cancelled,
                    dispatch.approvedBy(),
                    (id, startedAt) -> journalProcess(dispatch.jobId(), new RecordedProcess(id, startedAt)));
            context.checkCancelled();
            return tools.get().call(dispatch.tool(), dispatch.args(), context);
        } finally {
            permits.release();
        }
    }

    private JobOutcome success(JsonNode output, RunningJob job) {
        if (output == null || output.isNull()) {
            return failure(ErrorCodes.INTERNAL, "tool " + job.dispatch().tool() + " returned no output", job);
        }
        int size = output.toString().length();
        if (size > MAX_OUTPUT_CHARS) {
            return failure(
                    ErrorCodes.TOOL_FAILED,
                    "the output of " + job.dispatch().tool() + " is " + size
                            + " characters, more than fits in one frame (" + MAX_OUTPUT_CHARS + "); ask for less",
                    job);
        }
        return JobOutcome.success(output, job.startedAt(), clock.instant());
    }

    private JobOutcome failed(RunningJob job, Throwable cause) {
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

    private JobOutcome stopped(RunningJob job) {
        return job.cancelled()
                ? failure(ErrorCodes.CANCELLED, "cancelled: " + job.cancelReason(), job)
                : deadlineExceeded(job);
    }

    private JobOutcome deadlineExceeded(RunningJob job) {
        return failure(
                ErrorCodes.DEADLINE_EXCEEDED,
                "the job did not finish before its deadline " + job.dispatch().deadline() + "; it was stopped",
                job);
    }

    private JobOutcome failure(String code, String message, RunningJob job) {
        return JobOutcome.failure(code, message, job.startedAt(), clock.instant());
    }

    private void journalProcess(String jobId, RecordedProcess process) {
        try {
            journal.process(jobId, process);
        } catch (UncheckedIOException e) {
            // The tree still ends with the job; only a kill of the agent right now would miss it.
            log.atError()
                    .addKeyValue("jobId", jobId)
                    .addKeyValue("process", process.id())
                    .setCause(e)
                    .log("cannot journal the job's process tree; an agent killed now would leave it running");
        }
    }

    private void record(Dispatch dispatch, JobOutcome outcome) {
        String jobId = dispatch.jobId();
        audit.record(jobId, dispatch.tool(), dispatch.args(), dispatch.attempt(), outcome);
        try {
            journal.finish(jobId, outcome);
        } catch (UncheckedIOException e) {
            log.atError()
                    .addKeyValue("jobId", jobId)
                    .setCause(e)
                    .log("cannot journal the job's outcome; sending it anyway");
        }
    }
}
