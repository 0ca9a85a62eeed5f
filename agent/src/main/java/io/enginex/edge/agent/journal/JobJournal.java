package io.enginex.edge.agent.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.ErrorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Durable, bounded record of job ids: {@link #begin} is on disk (forced) before a tool runs, {@link
 * #finish} after, so after any crash a job id is known as begun or finished and is never run twice.
 *
 * <p>Format: {@code <state-dir>/journal.jsonl}, one JSON object per line, {@code
 * {"op":"begin","jobId":…,"at":…}}, {@code {"op":"process","jobId":…,"id":…,"startedAt":…}} (a process
 * tree the job started, see {@link RecordedProcess}) or {@code {"op":"finish","jobId":…,"startedAt":…,
 * "finishedAt":…,"output":…|"error":{…}}}. A torn last line (the process died while writing it) is ignored: its
 * write never completed, so the tool it would have announced never started. When the file holds
 * about twice {@link JournalLimits#maxJobs()} lines, or outputs pass their byte budget, it is
 * rewritten atomically with one line per remembered job.
 *
 * <p>Writes are group-committed: each call puts its line in a queue and one writer thread appends
 * every line waiting and forces the file once for all of them, so concurrent jobs share a force and
 * the agent's socket reader never waits for the disk ({@link #beginAsync}). A call's line is on the
 * device when its call (or future) completes; the memory state changes at once, so a redelivery in
 * between sees the job as running.
 *
 * <p>Thread-safe: one lock guards the memory state and the queue; it is never held across a force
 * (except for a compaction's rewrite) or network I/O. One process per journal: {@link #open} fails
 * when another holds it.
 */
public final class JobJournal implements AutoCloseable {
    public static final String FILE_NAME = "journal.jsonl";

    private static final Logger log = LoggerFactory.getLogger(JobJournal.class);

    private final JournalFile file;
    private final ObjectMapper mapper;
    private final JournalLimits limits;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition queued = lock.newCondition();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    // Lines waiting for the writer, in call order.
    private final ArrayDeque<Write> queue = new ArrayDeque<>();
    // Held by the writer around its file work; tests hold it to let lines pile up.
    private final ReentrantLock fileWork = new ReentrantLock();
    private final Thread writer;
    private boolean closed;
    private long outputBytes;
    private long lines;
    private long forces;

    private record Write(String line, CompletableFuture<Void> done) {}

    private JobJournal(JournalFile file, ObjectMapper mapper, JournalLimits limits, Clock clock) {
        this.file = file;
        this.mapper = mapper;
        this.limits = limits;
        this.clock = clock;
        this.writer = Thread.ofPlatform().daemon().name("job-journal-writer").unstarted(this::writeLoop);
    }

    /**
     * Opens the journal in {@code stateDir}, creating it when missing. Jobs begun by an earlier
     * process and never finished are {@link JobStatus.Interrupted} from now on.
     *
     * @throws IllegalStateException when another process has the journal open
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public static JobJournal open(Path stateDir, ObjectMapper mapper, JournalLimits limits, Clock clock) {
        try {
            JobJournal journal = new JobJournal(JournalFile.open(stateDir.resolve(FILE_NAME)), mapper, limits, clock);
            journal.load();
            journal.writer.start();
            return journal;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the job journal in " + stateDir + ": " + e.getMessage(), e);
        }
    }

    /** What is known about {@code jobId}. */
    public JobStatus lookup(String jobId) {
        lock.lock();
        try {
            Entry entry = entries.get(jobId);
            if (entry == null) {
                return new JobStatus.New();
            }
            return switch (entry.kind) {
                case RUNNING -> new JobStatus.Running();
                case INTERRUPTED -> new JobStatus.Interrupted();
                case FINISHED -> new JobStatus.Finished(entry.outcome);
            };
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that {@code jobId} starts now; returns once that is on the device.
     *
     * @throws IllegalStateException when the job is not {@link JobStatus.New}
     * @throws UncheckedIOException when the write fails (then the job must not run)
     */
    public void begin(String jobId) {
        await(beginAsync(jobId));
    }

    /**
     * Records that {@code jobId} starts: it is running from now on in memory (a redelivery sees it
     * running), and the returned future completes once that is on the device. The tool must not start
     * before. If the write fails the future fails with an {@link UncheckedIOException} and the job is
     * forgotten again (it was never started, so a redelivery may try it anew).
     *
     * @throws IllegalStateException when the job is not {@link JobStatus.New}
     */
    public CompletableFuture<Void> beginAsync(String jobId) {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            Entry existing = entries.get(jobId);
            if (existing != null) {
                throw new IllegalStateException("job " + jobId + " is already in the journal as " + existing.kind);
            }
            entries.put(jobId, new Entry(Kind.RUNNING, null, 0, List.of()));
            durable = append(beginLine(jobId, clock.instant()));
        } finally {
            lock.unlock();
        }
        return durable.whenComplete((done, failure) -> {
            if (failure != null) {
                forgetUnstarted(jobId);
            }
        });
    }

    private void forgetUnstarted(String jobId) {
        lock.lock();
        try {
            Entry entry = entries.get(jobId);
            if (entry != null && entry.kind == Kind.RUNNING && entry.processes.isEmpty()) {
                entries.remove(jobId);
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records that running job {@code jobId} started the process tree {@code process}; returns once
     * that is on the device. After the agent is killed, the next process finds the tree here ({@link
     * #interruptedProcesses()}) and ends it before it tells the hub the job was interrupted.
     *
     * @throws IllegalStateException when the job is not running in this process
     * @throws UncheckedIOException when the write fails
     */
    public void process(String jobId, RecordedProcess process) {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            Entry entry = entries.get(jobId);
            if (entry == null || entry.kind != Kind.RUNNING) {
                throw new IllegalStateException("job " + jobId + " is not running, so it cannot start processes");
            }
            entries.put(jobId, entry.with(process));
            durable = append(processLine(jobId, process));
        } finally {
            lock.unlock();
        }
        await(durable);
    }

    /**
     * The process trees of the jobs an earlier agent process began and never finished, by job id (in
     * journal order); jobs without any are left out.
     */
    public Map<String, List<RecordedProcess>> interruptedProcesses() {
        lock.lock();
        try {
            Map<String, List<RecordedProcess>> found = new LinkedHashMap<>();
            entries.forEach((jobId, entry) -> {
                if (entry.kind == Kind.INTERRUPTED && !entry.processes.isEmpty()) {
                    found.put(jobId, entry.processes);
                }
            });
            return found;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Records how {@code jobId} ended; returns once that is on the device.
     *
     * @throws UncheckedIOException when the write fails (the outcome is still kept in memory, so a
     *     redelivery in this process is answered from it)
     */
    public void finish(String jobId, JobOutcome outcome) {
        CompletableFuture<Void> durable;
        lock.lock();
        try {
            String line = finishLine(jobId, outcome);
            Entry previous = entries.get(jobId);
            if (previous != null && previous.kind == Kind.FINISHED) {
                return; // the first outcome stands, as at the hub
            }
            long bytes = line.getBytes(StandardCharsets.UTF_8).length;
            entries.put(jobId, new Entry(Kind.FINISHED, outcome, bytes, List.of()));
            outputBytes += bytes;
            durable = append(line);
            enforceOutputBudget();
        } finally {
            lock.unlock();
        }
        await(durable);
    }

    /** How many times the writer forced the file (each force may carry many calls' lines). */
    public long forces() {
        lock.lock();
        try {
            return forces;
        } finally {
            lock.unlock();
        }
    }

    /** The writer's file work; holding it lets lines queue up (tests). */
    ReentrantLock fileWork() {
        return fileWork;
    }

    /** Job ids remembered. */
    public int size() {
        lock.lock();
        try {
            return entries.size();
        } finally {
            lock.unlock();
        }
    }

    public Path path() {
        return file.path();
    }

    /** Writes what is queued, stops the writer and closes the file. Later calls fail. */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            queued.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (writer.isAlive()) {
            try {
                writer.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        try {
            file.close();
        } catch (IOException e) {
            log.atWarn().addKeyValue("file", file.path()).setCause(e).log("closing the job journal failed");
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void load() throws IOException {
        JournalFile.Lines read = file.readLines();
        int skipped = 0;
        for (String line : read.lines()) {
            try {
                apply(mapper.readTree(line));
            } catch (JsonProcessingException | RuntimeException e) {
                skipped++;
            }
        }
        lines = read.lines().size();
        if (read.torn() || skipped > 0) {
            log.atWarn()
                    .addKeyValue("file", file.path())
                    .addKeyValue("tornLastLine", read.torn())
                    .addKeyValue("unreadableLines", skipped)
                    .log("job journal had damaged lines (the agent stopped mid-write); they are dropped");
        }
        enforceOutputBudget();
        if (read.torn() || skipped > 0 || entries.size() > limits.maxJobs() || lines > 2L * entries.size() + 64) {
            compact();
        }
    }

    private void apply(JsonNode line) {
        String jobId = line.get("jobId").textValue();
        switch (line.get("op").textValue()) {
            case "begin" -> entries.putIfAbsent(jobId, new Entry(Kind.INTERRUPTED, null, 0, List.of()));
            case "process" -> {
                Entry entry = entries.get(jobId);
                if (entry != null && entry.kind == Kind.INTERRUPTED) {
                    entries.put(
                            jobId,
                            entry.with(new RecordedProcess(
                                    line.get("id").longValue(),
                                    Instant.parse(line.get("startedAt").textValue()))));
                }
            }
            case "finish" -> {
                Entry previous = entries.get(jobId);
                if (previous == null || previous.kind != Kind.FINISHED) {
                    long bytes = line.toString().getBytes(StandardCharsets.UTF_8).length;
                    entries.put(jobId, new Entry(Kind.FINISHED, outcome(line), bytes, List.of()));
                    outputBytes += bytes;
                }
            }
            default -> throw new IllegalArgumentException("unknown op");
        }
    }

    private JobOutcome outcome(JsonNode line) {
        Instant started = Instant.parse(line.get("startedAt").textValue());
        Instant finished = Instant.parse(line.get("finishedAt").textValue());
        JsonNode error = line.get("error");
        JsonNode consent = line.get("consent");
        JobOutcome outcome = error != null && error.isObject()
                ? new JobOutcome(
                        null,
                        new ErrorInfo(
                                error.path("code").asText(),
                                error.path("message").asText()),
                        started,
                        finished)
                : JobOutcome.success(line.get("output"), started, finished);
        return consent != null && consent.isObject() ? outcome.withConsent(consent) : outcome;
    }

    /** Queues {@code line} for the writer (the caller holds the lock). */
    private CompletableFuture<Void> append(String line) {
        if (closed) {
            return CompletableFuture.failedFuture(
                    new UncheckedIOException(new IOException("the job journal " + file.path() + " is closed")));
        }
        Write write = new Write(line, new CompletableFuture<>());
        queue.add(write);
        queued.signal();
        return write.done();
    }

    private static void await(CompletableFuture<Void> durable) {
        try {
            durable.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io;
            }
            throw e;
        }
    }

    /**
     * The writer thread: takes every line waiting, appends them in one write with one force, then
     * compacts if the file has grown enough, and only then completes the calls. Ends once closed and
     * drained.
     */
    private void writeLoop() {
        while (true) {
            List<Write> batch;
            lock.lock();
            try {
                while (queue.isEmpty() && !closed) {
                    queued.awaitUninterruptibly();
                }
                if (queue.isEmpty()) {
                    return;
                }
                batch = new ArrayList<>(queue);
                queue.clear();
            } finally {
                lock.unlock();
            }
            UncheckedIOException failure = null;
            fileWork.lock();
            try {
                file.append(batch.stream().map(Write::line).toList());
                lock.lock();
                try {
                    lines += batch.size();
                    forces++;
                    maybeCompact();
                } finally {
                    lock.unlock();
                }
            } catch (IOException | RuntimeException e) {
                failure = new UncheckedIOException(
                        "cannot write the job journal " + file.path() + ": " + e.getMessage(),
                        e instanceof IOException io ? io : new IOException(e));
            } finally {
                fileWork.unlock();
            }
            for (Write write : batch) {
                if (failure == null) {
                    write.done().complete(null);
                } else {
                    write.done().completeExceptionally(failure);
                }
            }
        }
    }

    /** Replaces the oldest stored outputs with a short note until the outputs fit their budget. */
    private void enforceOutputBudget() {
        Iterator<Map.Entry<String, Entry>> oldestFirst = entries.entrySet().iterator();
        while (outputBytes > limits.maxResultBytes() && oldestFirst.hasNext()) {
            Map.Entry<String, Entry> next = oldestFirst.next();
            Entry entry = next.getValue();
            if (entry.kind == Kind.FINISHED && entry.outcome.output() != null) {
                JobOutcome note = JobOutcome.dropped(entry.outcome.startedAt(), entry.outcome.finishedAt())
                        .withConsent(entry.outcome.consent());
                long bytes = finishLine(next.getKey(), note).length();
                outputBytes += bytes - entry.bytes;
                next.setValue(new Entry(Kind.FINISHED, note, bytes, List.of()));
            }
        }
    }

    private void maybeCompact() {
        if (lines > 2L * limits.maxJobs() + 64 || entries.size() > limits.maxJobs() + limits.maxJobs() / 2) {
            try {
                compact();
            } catch (IOException e) {
                // The append-only file is still correct, only longer; try again at the next write.
                log.atWarn().addKeyValue("file", file.path()).setCause(e).log("job journal compaction failed");
            }
        }
    }

    private void compact() throws IOException {
        Iterator<Map.Entry<String, Entry>> oldestFirst = entries.entrySet().iterator();
        while (entries.size() > limits.maxJobs() && oldestFirst.hasNext()) {
            Entry entry = oldestFirst.next().getValue();
            // Kept: running jobs, and interrupted ones whose process trees the next start must end.
            if (entry.kind != Kind.RUNNING && entry.processes.isEmpty()) {
                outputBytes -= entry.bytes;
                oldestFirst.remove();
            }
        }
        List<String> rewritten = new ArrayList<>(entries.size());
        Instant now = clock.instant();
        entries.forEach((jobId, entry) -> {
            if (entry.kind == Kind.FINISHED) {
                rewritten.add(finishLine(jobId, entry.outcome));
            } else {
                rewritten.add(beginLine(jobId, now));
                entry.processes.forEach(p -> rewritten.add(processLine(jobId, p)));
            }
        });
        file.rewrite(rewritten);
        lines = rewritten.size();
        log.atDebug().addKeyValue("jobs", entries.size()).log("job journal compacted");
    }

    private String beginLine(String jobId, Instant at) {
        return mapper.createObjectNode()
                .put("op", "begin")
                .put("jobId", jobId)
                .put("at", at.toString())
                .toString();
    }

    private String processLine(String jobId, RecordedProcess process) {
        return mapper.createObjectNode()
                .put("op", "process")
                .put("jobId", jobId)
                .put("id", process.id())
                .put("startedAt", process.startedAt().toString())
                .toString();
    }

    private String finishLine(String jobId, JobOutcome outcome) {
        ObjectNode line = mapper.createObjectNode()
                .put("op", "finish")
                .put("jobId", jobId)
                .put("startedAt", outcome.startedAt().toString())
                .put("finishedAt", outcome.finishedAt().toString());
        if (outcome.ok()) {
            line.set("output", outcome.output());
        } else {
            line.putObject("error")
                    .put("code", outcome.error().code())
                    .put("message", outcome.error().message());
        }
        if (outcome.consent() != null) {
            // the person's answer, so a replay or a graph step's resume still carries its evidence
            line.set("consent", outcome.consent());
        }
        return line.toString();
    }

    private enum Kind {
        RUNNING,
        INTERRUPTED,
        FINISHED
    }

    private record Entry(Kind kind, JobOutcome outcome, long bytes, List<RecordedProcess> processes) {
        Entry with(RecordedProcess process) {
            List<RecordedProcess> more = new ArrayList<>(processes);
            more.add(process);
            return new Entry(kind, outcome, bytes, List.copyOf(more));
        }
    }
}
