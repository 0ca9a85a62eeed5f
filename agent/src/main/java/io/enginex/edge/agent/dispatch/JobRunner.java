package io.enginex.edge.agent.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.audit.AuditTrail;
import io.enginex.edge.agent.journal.JobJournal;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.journal.JobStatus;
import io.enginex.edge.agent.journal.RecordedProcess;
import io.enginex.edge.agent.tools.JobSecrets;
import io.enginex.edge.agent.tools.SecretConsent;
import io.enginex.edge.agent.tools.ToolConsent;
import io.enginex.edge.agent.tools.ToolContext;
import io.enginex.edge.agent.tools.ToolRegistry;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.Pause;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
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
    private final JobOutcomes outcomes;
    private final Optional<Vault> vault;
    private final SecretConsent consent;
    private final ToolConsent toolConsent;
    private volatile boolean closing;

    private JobRunner(Builder builder) {
        this.tools = builder.tools;
        this.caps = builder.caps;
        this.journal = builder.journal;
        this.outbox = builder.outbox;
        this.executor = builder.executor;
        this.clock = builder.clock;
        this.audit = builder.audit;
        this.pause = builder.pause;
        this.slots = new ToolSlots(builder.waitReport);
        this.permits = new Semaphore(builder.maxConcurrent, true);
        this.outcomes = new JobOutcomes(clock, builder.maxOutputChars);
        this.vault = builder.vault;
        this.consent = builder.consent;
        this.toolConsent = builder.toolConsent;
    }

    /**
     * A runner over {@code journal} that reports through {@code outbox}; the builder's defaults: no
     * tools, no per-tool caps, 8 tools at once, no audit trail, never paused.
     *
     * @param executor runs supervisors and tools; a virtual-thread-per-task executor, owned by the caller
     */
    public static Builder builder(JobJournal journal, Outbox outbox, ExecutorService executor, Clock clock) {
        return new Builder(journal, outbox, executor, clock);
    }

    /** Options of a {@link JobRunner}; not thread-safe, used once at start. */
    public static final class Builder {
        private final JobJournal journal;
        private final Outbox outbox;
        private final ExecutorService executor;
        private final Clock clock;
        private Supplier<ToolRegistry> tools = () -> new ToolRegistry(List.of());
        private ToIntFunction<String> caps = tool -> Integer.MAX_VALUE;
        private int maxConcurrent = 8;
        private AuditTrail audit = AuditTrail.NONE;
        private Duration waitReport = WAIT_REPORT_INTERVAL;
        private Supplier<Pause> pause = () -> null;
        private Optional<Vault> vault = Optional.empty();
        private SecretConsent consent = SecretConsent.NOBODY;
        private int maxOutputChars = MAX_OUTPUT_CHARS;
        private ToolConsent toolConsent = ToolConsent.NOBODY;

        private Builder(JobJournal journal, Outbox outbox, ExecutorService executor, Clock clock) {
            this.journal = Objects.requireNonNull(journal, "journal");
            this.outbox = Objects.requireNonNull(outbox, "outbox");
            this.executor = Objects.requireNonNull(executor, "executor");
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        /** Fixed tools, each without a cap of its own. */
        public Builder tools(ToolRegistry tools) {
            Objects.requireNonNull(tools, "tools");
            return tools(() -> tools, tool -> Integer.MAX_VALUE);
        }

        /**
         * Tools and per-tool caps that may change while the runner runs (a new tenant policy).
         *
         * @param tools the tools in force; read once per job, when it starts to run
         * @param caps how many calls of a tool may run at once (read again while a call waits)
         */
        public Builder tools(Supplier<ToolRegistry> tools, ToIntFunction<String> caps) {
            this.tools = Objects.requireNonNull(tools, "tools");
            this.caps = Objects.requireNonNull(caps, "caps");
            return this;
        }

        /**
         * The largest output (as JSON text) a tool may return; a larger one fails the job. Default: what
         * fits in one result frame. Graph steps, whose outputs go to files and not into a frame, take more.
         */
        public Builder maxOutputChars(int maxOutputChars) {
            if (maxOutputChars < 1) {
                throw new IllegalArgumentException("maxOutputChars must be at least 1, was " + maxOutputChars);
            }
            this.maxOutputChars = maxOutputChars;
            return this;
        }

        /** Tools running at once; further jobs wait (their deadline still counts). At least 1. */
        public Builder maxConcurrent(int maxConcurrent) {
            if (maxConcurrent < 1) {
                throw new IllegalArgumentException("maxConcurrent must be at least 1, was " + maxConcurrent);
            }
            this.maxConcurrent = maxConcurrent;
            return this;
        }

        /** Receives every finished invocation, allowed or refused. */
        public Builder audit(AuditTrail audit) {
            this.audit = Objects.requireNonNull(audit, "audit");
            return this;
        }

        /** How often a call waiting for a slot of its tool reports progress ({@link #WAIT_REPORT_INTERVAL}). */
        public Builder waitReport(Duration waitReport) {
            this.waitReport = Objects.requireNonNull(waitReport, "waitReport");
            return this;
        }

        /**
         * The person's pause switch: while it gives a pause, new jobs are answered {@code
         * agent_paused} without running (and without a journal entry, so they may run once resumed if
         * the hub sends them again); jobs already running finish, and finished ones are still answered
         * from the journal. Null from the supplier means not paused.
         */
        public Builder pause(Supplier<Pause> pause) {
            this.pause = Objects.requireNonNull(pause, "pause");
            return this;
        }

        /**
         * The vault whose secrets tools may put into a call ({@code secret:NAME}, as the effective
         * policy grants); every outcome is redacted of the values its job revealed. Default: none.
         */
        public Builder vault(Optional<Vault> vault) {
            this.vault = Objects.requireNonNull(vault, "vault");
            return this;
        }

        /**
         * How the person at the machine is asked before a secret defined with {@code use: consent} is
         * used; default: nobody can be asked, so every such use is refused.
         */
        public Builder consent(SecretConsent consent) {
            this.consent = Objects.requireNonNull(consent, "consent");
            return this;
        }

        /**
         * How the person at the machine is asked before a tool the policy marks {@code
         * consentRequired} runs; default: nobody can be asked, so every such call is refused.
         */
        public Builder toolConsent(ToolConsent toolConsent) {
            this.toolConsent = Objects.requireNonNull(toolConsent, "toolConsent");
            return this;
        }

        public JobRunner build() {
            return new JobRunner(this);
        }
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
        JobOutcome outcome = outcomes.paused(paused);
        audit.record(dispatch.jobId(), dispatch.tool(), dispatch.args(), dispatch.attempt(), outcome);
        log.atInfo()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("pausedBy", paused.by())
                .log("job refused: local actions are paused");
        outbox.result(dispatch.jobId(), outcome, false);
    }

    private void interrupted(Dispatch dispatch) {
        JobOutcome outcome = outcomes.interruptedByRestart();
        record(dispatch, outcome);
        log.atWarn()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("outcome", outcome.summary())
                .log("job was interrupted by an agent restart; not run again");
        outbox.result(dispatch.jobId(), outcome, false);
    }

    /**
     * Starts a new job: the journal's begin is queued on the reading thread (so a redelivery from now
     * on sees the job running), and the job's own thread waits until it is on the device before the
     * tool runs; concurrent jobs share the journal's force.
     */
    private void start(Dispatch dispatch) {
        Instant startedAt = clock.instant();
        CompletableFuture<Void> begun = journal.beginAsync(dispatch.jobId());
        RunningJob job = new RunningJob(
                dispatch,
                startedAt,
                new JobSecrets(
                        dispatch.jobId(),
                        vault,
                        audit::secretUsed,
                        dispatch.approvedBy(),
                        consent,
                        dispatch.deadline(),
                        dispatch.requestedBy()));
        running.put(dispatch.jobId(), job);
        log.atDebug()
                .addKeyValue("jobId", dispatch.jobId())
                .addKeyValue("tool", dispatch.tool())
                .addKeyValue("path", dispatch.args().path("path").asText(""))
                .log("job starting");
        executor.execute(() -> {
            try {
                begun.join();
            } catch (CompletionException e) {
                notJournaled(
                        job,
                        e.getCause() instanceof UncheckedIOException io
                                ? io
                                : new UncheckedIOException(new IOException(e.getCause())));
                return;
            }
            supervise(job);
        });
    }

    /** Without a durable begin, running could break at-most-once after a crash: refuse instead. */
    private void notJournaled(RunningJob job, UncheckedIOException e) {
        Dispatch dispatch = job.dispatch();
        log.atError().addKeyValue("jobId", dispatch.jobId()).setCause(e).log("cannot journal job; not running it");
        running.remove(dispatch.jobId());
        try {
            outbox.result(dispatch.jobId(), outcomes.notJournaled(e, job.startedAt()), false);
        } finally {
            job.reported();
        }
    }

    private void supervise(RunningJob job) {
        Dispatch dispatch = job.dispatch();
        Duration remaining = Duration.between(clock.instant(), dispatch.deadline());
        JobOutcome outcome;
        if (remaining.isNegative() || remaining.isZero()) {
            outcome = outcomes.failure(
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
                    outcome = outcomes.success(future.get(remaining.toMillis(), TimeUnit.MILLISECONDS), job);
                } catch (TimeoutException e) {
                    future.cancel(true);
                    outcome = outcomes.deadlineExceeded(job);
                } catch (CancellationException e) {
                    outcome = outcomes.stopped(job);
                } catch (ExecutionException e) {
                    outcome = outcomes.failed(job, e.getCause());
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
            outcome = outcomes.interruptedByStop(job);
            log.atWarn()
                    .addKeyValue("jobId", dispatch.jobId())
                    .addKeyValue("tool", dispatch.tool())
                    .addKeyValue("outcome", outcome.summary())
                    .log("job interrupted: the agent stopped; its tool and process tree ended");
        }
        // Before anything keeps or shows it: the journal, the audit log, the log and the hub.
        outcome = job.secrets().redact(outcome);
        // The person's last answer: for a secret (asked inside the tool) it follows the tool's own, if any.
        ObjectNode consent = job.secrets().consent() != null ? job.secrets().consent() : job.consent();
        if (consent != null) {
            outcome = outcome.withConsent(consent);
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
        ToolRegistry registry = tools.get();
        if (registry.needsConsent(tool)) {
            // Asked before the tool takes a slot or a permit: a person may take a minute to answer.
            registry.validate(tool, dispatch.args());
            toolConsent.ask(
                    dispatch.jobId(), tool, dispatch.args(), dispatch.deadline(), dispatch.requestedBy(), job::consent);
            if (job.cancelled()) {
                throw new InterruptedException("job " + dispatch.jobId() + " was stopped while consent was asked");
            }
        }
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
                            outbox.progress(dispatch.jobId(), job.secrets().redact(message), fraction);
                        }
                    },
                    job::cancelled,
                    dispatch.approvedBy(),
                    (id, startedAt) -> journalProcess(dispatch.jobId(), new RecordedProcess(id, startedAt)),
                    job.secrets());
            context.checkCancelled();
            return tools.get().callConsented(dispatch.tool(), dispatch.args(), context, job.consent() != null);
        } finally {
            permits.release();
        }
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
