package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.protocol.ErrorInfo;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The runs of graphs on this machine, one append-only file each ({@code <dir>/<runId>.jsonl}, mode
 * 600): {@code {"op":"run",…}} first (graph, input, step order), then {@code attempt} before each
 * tool call, {@code attemptFailed} after a failure that will be retried, {@code step} when a step is
 * settled, {@code end} when the run ended. Every line is forced to the device before the call
 * returns, so what the file says happened did happen; a torn last line is ignored (its write never
 * completed). Records are never rewritten: a later upload can send them once, by run and step id.
 *
 * <p>An output larger than {@link #FILE_THRESHOLD} (UTF-8 JSON text) is kept in a file of its own beside
 * the run ({@code <runId>.<step>.out}, mode 600, written and forced before its {@code step} line, which
 * then carries {@code "outputFile":{"bytes":…,"sha256":…}} instead of the output); it counts in the
 * quotas like the run file, is uploaded as a file ({@link GraphSync}) and deleted with the run.
 *
 * <p>Thread-safe: one lock serialises writes. One process runs graphs per state folder (the graph
 * job journal's lock); readers in other processes ({@code graph runs}) only read.
 */
public final class RunJournal {
    /**
     * Outputs larger than this, as UTF-8 JSON text, are kept as files beside the run: 64 KiB, the most
     * a {@code graphRuns} frame carries of one output, so no output is cut for the upload.
     */
    public static final int FILE_THRESHOLD = io.enginex.edge.protocol.GraphRuns.MAX_OUTPUT_CHARS;

    /** The ending of an output file's name. */
    static final String OUTPUT_SUFFIX = ".out";

    private final Path dir;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();
    private final java.util.function.Supplier<StorageLimits> limits;
    // The quota each graph asks for (its limits.storageBytes), by name, as last started or resumed. Under lock.
    private final Map<String, java.util.OptionalLong> requested = new HashMap<>();
    // Bytes of the run files by run id and their graph's name; counted from the folder when a run
    // starts (another process may have pruned since) and kept up to date by every append. Under lock.
    private final Map<String, Long> sizes = new HashMap<>();
    private final Map<String, String> graphOf = new HashMap<>();

    public RunJournal(Path dir, ObjectMapper mapper, Clock clock) {
        this(dir, mapper, clock, StorageLimits.DEFAULT);
    }

    /** @param limits the quotas a new line is checked against, and the retention {@link #prune} applies */
    public RunJournal(Path dir, ObjectMapper mapper, Clock clock, StorageLimits limits) {
        this(dir, mapper, clock, () -> limits);
    }

    /**
     * @param limits the quotas in force, read before each line is written (the policy's, which a new
     *     tenant policy may narrow while a run goes on), and the retention
     */
    public RunJournal(Path dir, ObjectMapper mapper, Clock clock, java.util.function.Supplier<StorageLimits> limits) {
        this.dir = dir;
        this.mapper = mapper;
        this.clock = clock;
        this.limits = limits;
    }

    /** The folder of run files. */
    public Path dir() {
        return dir;
    }

    /** Journals a new run of {@code graph} and returns its id. */
    public String start(Graph graph, JsonNode document, JsonNode input) {
        return start(graph, document, input, null, null);
    }

    /**
     * Journals a new run of a graph the hub assigned: the run line also records the hub's graph id and
     * version ({@code "hubGraph":{"id":…,"version":…}}), which the upload to the hub carries.
     */
    public String start(Graph graph, JsonNode document, JsonNode input, String hubGraphId, Integer hubVersion) {
        String runId = "run_" + HexFormat.of().formatHex(bytes());
        ObjectNode line = line("run", runId).put("graph", graph.name());
        if (hubGraphId != null) {
            line.putObject("hubGraph").put("id", hubGraphId).put("version", hubVersion);
        }
        line.set("document", document);
        line.set("input", input);
        graph.steps().forEach(s -> line.withArray("steps").add(s.id()));
        lock.lock();
        try {
            count();
            graphOf.put(runId, graph.name());
            requested.put(graph.name(), graph.storageBytes());
            append(runId, line, true);
        } finally {
            lock.unlock();
        }
        return runId;
    }

    /** Applies {@code graph}'s own quota ({@code limits.storageBytes}) to its runs, as a resume does. */
    void limit(Graph graph) {
        lock.lock();
        try {
            requested.put(graph.name(), graph.storageBytes());
        } finally {
            lock.unlock();
        }
    }

    void attempt(String runId, String step, int attempt, String jobId) {
        append(
                runId,
                line("attempt", runId).put("step", step).put("attempt", attempt).put("jobId", jobId),
                true);
    }

    void attemptFailed(String runId, String step, int attempt, ErrorInfo error, Duration retryIn) {
        attemptFailed(runId, step, attempt, error, retryIn, null);
    }

    /** With how the person at the machine answered before the attempt ({@code consent}, or null). */
    void attemptFailed(String runId, String step, int attempt, ErrorInfo error, Duration retryIn, JsonNode consent) {
        ObjectNode line = line("attemptFailed", runId).put("step", step).put("attempt", attempt);
        line.set("error", mapper.valueToTree(error));
        line.put("retryInMillis", retryIn.toMillis());
        if (consent != null) {
            line.set("consent", consent);
        }
        append(runId, line, false);
    }

    void settled(String runId, String step, StepState state, JsonNode output, ErrorInfo error, String reason) {
        settled(runId, step, state, output, error, reason, null);
    }

    /**
     * A {@code step} line; {@code consent} (or null) is how the person at the machine answered before the
     * last attempt ran a {@code consentRequired} tool: {@code "consent":{…}}, as the job's result has it.
     */
    void settled(
            String runId,
            String step,
            StepState state,
            JsonNode output,
            ErrorInfo error,
            String reason,
            JsonNode consent) {
        ObjectNode line = line("step", runId).put("step", step).put("state", state.label());
        if (consent != null) {
            line.set("consent", consent);
        }
        byte[] big = output == null ? null : output.toString().getBytes(StandardCharsets.UTF_8);
        if (big != null && big.length > FILE_THRESHOLD) {
            lock.lock();
            try {
                checkQuota(runId, big.length + 512L); // the file and its line, before either is written
                StepRecord.OutputFile file = writeOutput(runId, step, big);
                line.putObject("outputFile").put("bytes", file.bytes()).put("sha256", file.sha256());
                addDetails(line, error, reason);
                append(runId, line, false);
            } finally {
                lock.unlock();
            }
            return;
        }
        if (output != null) {
            line.set("output", output);
        }
        addDetails(line, error, reason);
        // A settlement without an output is small and always written, past a quota too, so a step
        // refused for the quota, and the run's end, are journalled.
        append(runId, line, output != null);
    }

    /**
     * An approval line, forced to the device: {@code requested} (with the step's reason), or the
     * decision {@code approved} / {@code denied} with who made it and why. Small, so written past a
     * quota too.
     */
    void approval(String runId, String step, String decision, String by, String reason) {
        approval(runId, step, decision, by, reason, null);
    }

    /** {@link #approval(String, String, String, String, String)} of a decision from the hub, with its id. */
    void approval(String runId, String step, String decision, String by, String reason, String decisionId) {
        ObjectNode line = line("approval", runId).put("step", step).put("decision", decision);
        if (decisionId != null) {
            line.put("decisionId", decisionId);
        }
        if (by != null) {
            line.put("by", by);
        }
        if (reason != null) {
            line.put("reason", reason);
        }
        append(runId, line, false);
    }

    private void addDetails(ObjectNode line, ErrorInfo error, String reason) {
        if (error != null) {
            line.set("error", mapper.valueToTree(error));
        }
        if (reason != null) {
            line.put("reason", reason);
        }
    }

    /** Where the output of {@code step} of {@code runId} is kept when it is a file. */
    public Path outputFile(String runId, String step) {
        return dir.resolve(runId + "." + step + OUTPUT_SUFFIX);
    }

    /**
     * The output of a step of {@code runId}: its record's, or read from its file.
     *
     * @throws UncheckedIOException when the file cannot be read
     */
    public JsonNode output(String runId, StepRecord step) {
        if (step.outputFile() == null) {
            return step.output();
        }
        Path file = outputFile(runId, step.step());
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the output file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes an output file (a temporary name first, forced, then renamed), so a file under the final
     * name is always whole. Under lock.
     *
     * @throws StorageQuotaExceededException when the disk is full or the file cannot be written (what
     *     was written of it is deleted; nothing journalled is touched)
     */
    private StepRecord.OutputFile writeOutput(String runId, String step, byte[] bytes) {
        Path file = outputFile(runId, step);
        Path part = file.resolveSibling(file.getFileName() + ".part");
        try {
            Files.createDirectories(dir);
            Files.deleteIfExists(part);
            if (part.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        part, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            try (FileChannel out = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(false);
            }
            Files.move(
                    part,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            forceDirectory();
        } catch (IOException e) {
            try {
                Files.deleteIfExists(part);
            } catch (IOException ignored) {
                // the disk is in trouble; the next count sees what is left
            }
            throw new StorageQuotaExceededException("no room to keep the " + bytes.length + "-byte output of step "
                    + step + " of run " + runId + " in " + dir + ": " + e.getMessage() + ". Nothing journalled was"
                    + " lost; free space on that disk");
        }
        sizes.merge(runId, (long) bytes.length, Long::sum);
        return new StepRecord.OutputFile(bytes.length, sha256(bytes));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(
                            java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    void ended(String runId, String status) {
        append(runId, line("end", runId).put("status", status), false);
    }

    /**
     * Reads one run.
     *
     * @throws IllegalArgumentException when there is no such run, naming how to list them
     */
    public RunRecord read(String runId) {
        if (!runId.matches("run_[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException(
                    "\"" + runId + "\" is not a run id (run_…); list runs with" + " enginex-agent graph runs");
        }
        Path file = dir.resolve(runId + ".jsonl");
        if (!Files.exists(file)) {
            throw new IllegalArgumentException(
                    "there is no run " + runId + " in " + dir + "; list runs with enginex-agent graph runs");
        }
        try {
            return RunFile.parse(DurableAppend.completeLines(file), mapper);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * The {@code approval} lines of one step of a run, in the order written ({@code requested}, then the
     * decision if one was made); empty for an unknown run.
     */
    public List<JsonNode> approvals(String runId, String step) {
        Path file = dir.resolve(runId + ".jsonl");
        if (!runId.matches("run_[0-9a-f]{1,64}") || !Files.exists(file)) {
            return List.of();
        }
        List<JsonNode> found = new ArrayList<>();
        try {
            for (String text : DurableAppend.completeLines(file)) {
                JsonNode line = mapper.readTree(text);
                if (line.path("op").asText().equals("approval")
                        && line.path("step").asText().equals(step)) {
                    found.add(line);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run file " + file + ": " + e.getMessage(), e);
        }
        return found;
    }

    /** Every run here, oldest first. */
    public List<RunRecord> list() {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        List<RunRecord> runs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".jsonl"))
                    .toList()) {
                List<String> lines = DurableAppend.completeLines(file);
                if (!lines.isEmpty()) {
                    runs.add(RunFile.parse(lines, mapper));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the runs in " + dir + ": " + e.getMessage(), e);
        }
        runs.sort(java.util.Comparator.comparing(RunRecord::startedAt).thenComparing(RunRecord::runId));
        return runs;
    }

    private byte[] bytes() {
        byte[] id = new byte[12];
        random.nextBytes(id);
        return id;
    }

    private ObjectNode line(String op, String runId) {
        return mapper.createObjectNode()
                .put("op", op)
                .put("runId", runId)
                .put("at", clock.instant().toString());
    }

    /**
     * Deletes the run files of runs that ended more than the retention ago and that {@code synced}
     * says the hub acknowledged in full (steps and end). Unfinished and unsynced runs are kept, however
     * old.
     *
     * @return the run ids whose files were deleted
     */
    public List<String> prune(Predicate<String> synced) {
        Instant before = clock.instant().minus(limits.get().retention());
        List<String> pruned = new ArrayList<>();
        lock.lock();
        try {
            for (RunRecord run : list()) {
                if (run.ended() && run.endedAt().isBefore(before) && synced.test(run.runId())) {
                    for (StepRecord step : run.steps().values()) {
                        if (step.outputFile() != null) {
                            Files.deleteIfExists(outputFile(run.runId(), step.step()));
                        }
                    }
                    Files.deleteIfExists(dir.resolve(run.runId() + ".jsonl"));
                    sizes.remove(run.runId());
                    graphOf.remove(run.runId());
                    pruned.add(run.runId());
                }
            }
            if (!pruned.isEmpty()) {
                forceDirectory();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete an old run file in " + dir + ": " + e.getMessage(), e);
        } finally {
            lock.unlock();
        }
        return pruned;
    }

    /** The run files' sizes and graphs, from the folder. Under lock. */
    private void count() {
        sizes.clear();
        graphOf.clear();
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                if (name.endsWith(OUTPUT_SUFFIX) && name.indexOf('.') > 0) {
                    // an output file counts in its run's share (its graph is the run file's)
                    sizes.merge(name.substring(0, name.indexOf('.')), Files.size(file), Long::sum);
                    continue;
                }
                if (!name.endsWith(".jsonl")) {
                    continue;
                }
                String runId = name.replace(".jsonl", "");
                sizes.merge(runId, Files.size(file), Long::sum);
                try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                    String first = reader.readLine();
                    graphOf.put(
                            runId,
                            first == null
                                    ? ""
                                    : mapper.readTree(first).path("graph").asText(""));
                } catch (IOException e) {
                    graphOf.put(runId, ""); // a torn first line: counted in the total only
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Refuses {@code bytes} more for {@code runId} when they would pass a quota. Under lock. */
    private void checkQuota(String runId, long bytes) {
        StorageLimits limits = this.limits.get();
        long total = sizes.values().stream().mapToLong(Long::longValue).sum();
        String graph = graphOf.getOrDefault(runId, "");
        java.util.OptionalLong asked = requested.getOrDefault(graph, java.util.OptionalLong.empty());
        long perGraph = limits.perGraph(asked);
        long ofGraph = sizes.entrySet().stream()
                .filter(e -> graph.equals(graphOf.get(e.getKey())))
                .mapToLong(Map.Entry::getValue)
                .sum();
        String what = null;
        if (ofGraph + bytes > perGraph) {
            what = "the run files of graph " + graph + " take " + ofGraph + " bytes, and its quota is " + perGraph
                    + (asked.isPresent() && asked.getAsLong() < limits.perGraphBytes()
                            ? " (the graph's limits.storageBytes)"
                            : " (the policy's limits.graphBytes)");
        } else if (total + bytes > limits.totalBytes()) {
            what = "the run files of all graphs take " + total + " bytes, and the quota is " + limits.totalBytes()
                    + " (the policy's limits.graphsTotalBytes)";
        }
        if (what != null) {
            throw new StorageQuotaExceededException("no room to journal " + bytes + " more bytes for run " + runId
                    + ": " + what + " (" + dir + "). Nothing journalled was lost. Runs the hub has acknowledged"
                    + " are deleted " + limits.retention().toDays() + " days after they ended; connect the agent"
                    + " so they upload, or delete old run files there");
        }
    }

    private void append(String runId, ObjectNode line, boolean quota) {
        lock.lock();
        try {
            byte[] bytes = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            if (quota) {
                checkQuota(runId, bytes.length); // before anything is created or written
            }
            Files.createDirectories(dir);
            Path file = dir.resolve(runId + ".jsonl");
            boolean created = !Files.exists(file);
            if (created && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            DurableAppend.to(file, bytes);
            if (created) {
                forceDirectory();
            }
            sizes.merge(runId, (long) bytes.length, Long::sum);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a run line as JSON", e);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot journal run " + runId + " in " + dir + ": " + e.getMessage()
                            + "; the step was not run (check free space and the folder's permissions)",
                    e);
        } finally {
            lock.unlock();
        }
    }

    /** A new file's name is durable only once its folder is forced (POSIX; elsewhere this is a no-op). */
    private void forceDirectory() {
        try (FileChannel folder = FileChannel.open(dir, StandardOpenOption.READ)) {
            folder.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open a folder as a channel; NTFS journals the name itself.
        }
    }
}
