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
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * <p>Thread-safe: one lock serialises all calls; it is held across the local file write and force,
 * never across network I/O. One process per journal: {@link #open} fails when another holds it.
 */
public final class JobJournal implements AutoCloseable {
    public static final String FILE_NAME = "journal.jsonl";

    private static final Logger log = LoggerFactory.getLogger(JobJournal.class);

    private final JournalFile file;
    private final ObjectMapper mapper;
    private final JournalLimits limits;
    private final Clock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Map<String, Entry> entries = new LinkedHashMap<>();
    private long outputBytes;
    private long lines;

    private JobJournal(JournalFile file, ObjectMapper mapper, JournalLimits limits, Clock clock) {
        this.file = file;
        this.mapper = mapper;
        this.limits = limits;
        this.clock = clock;
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
        lock.lock();
        try {
            Entry existing = entries.get(jobId);
            if (existing != null) {
                throw new IllegalStateException("job " + jobId + " is already in the journal as " + existing.kind);
            }
            append(beginLine(jobId, clock.instant()));
            entries.put(jobId, new Entry(Kind.RUNNING, null, 0, List.of()));
            maybeCompact();
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
        lock.lock();
        try {
            Entry entry = entries.get(jobId);
            if (entry == null || entry.kind != Kind.RUNNING) {
                throw new IllegalStateException("job " + jobId + " is not running, so it cannot start processes");
            }
            append(processLine(jobId, process));
            entries.put(jobId, entry.with(process));
        } finally {
            lock.unlock();
        }
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
            append(line);
            enforceOutputBudget();
            maybeCompact();
        } finally {
            lock.unlock();
        }
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

    @Override
    public void close() {
        lock.lock();
        try {
            file.close();
        } catch (IOException e) {
            log.atWarn().addKeyValue("file", file.path()).setCause(e).log("closing the job journal failed");
        } finally {
            lock.unlock();
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
        if (error != null && error.isObject()) {
            return new JobOutcome(
                    null,
                    new ErrorInfo(
                            error.path("code").asText(), error.path("message").asText()),
                    started,
                    finished);
        }
        return JobOutcome.success(line.get("output"), started, finished);
    }

    private void append(String line) {
        try {
            file.append(line);
            lines++;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the job journal " + file.path() + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the oldest stored outputs with a short note until the outputs fit their budget. */
    private void enforceOutputBudget() {
        Iterator<Map.Entry<String, Entry>> oldestFirst = entries.entrySet().iterator();
        while (outputBytes > limits.maxResultBytes() && oldestFirst.hasNext()) {
            Map.Entry<String, Entry> next = oldestFirst.next();
            Entry entry = next.getValue();
            if (entry.kind == Kind.FINISHED && entry.outcome.output() != null) {
                JobOutcome note = JobOutcome.dropped(entry.outcome.startedAt(), entry.outcome.finishedAt());
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
