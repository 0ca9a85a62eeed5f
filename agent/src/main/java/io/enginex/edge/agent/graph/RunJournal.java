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
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * The runs of graphs on this machine, one append-only file each ({@code <dir>/<runId>.jsonl}, mode
 * 600): {@code {"op":"run",…}} first (graph, input, step order), then {@code attempt} before each
 * tool call, {@code attemptFailed} after a failure that will be retried, {@code step} when a step is
 * settled, {@code end} when the run ended. Every line is forced to the device before the call
 * returns, so what the file says happened did happen; a torn last line is ignored (its write never
 * completed). Records are never rewritten: a later upload can send them once, by run and step id.
 *
 * <p>Thread-safe: one lock serialises writes. One process runs graphs per state folder (the graph
 * job journal's lock); readers in other processes ({@code graph runs}) only read.
 */
public final class RunJournal {
    private final Path dir;
    private final ObjectMapper mapper;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();
    private final ReentrantLock lock = new ReentrantLock();

    public RunJournal(Path dir, ObjectMapper mapper, Clock clock) {
        this.dir = dir;
        this.mapper = mapper;
        this.clock = clock;
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
        append(runId, line);
        return runId;
    }

    void attempt(String runId, String step, int attempt, String jobId) {
        append(
                runId,
                line("attempt", runId).put("step", step).put("attempt", attempt).put("jobId", jobId));
    }

    void attemptFailed(String runId, String step, int attempt, ErrorInfo error, Duration retryIn) {
        ObjectNode line = line("attemptFailed", runId).put("step", step).put("attempt", attempt);
        line.set("error", mapper.valueToTree(error));
        line.put("retryInMillis", retryIn.toMillis());
        append(runId, line);
    }

    void settled(String runId, String step, StepState state, JsonNode output, ErrorInfo error, String reason) {
        ObjectNode line = line("step", runId).put("step", step).put("state", state.label());
        if (output != null) {
            line.set("output", output);
        }
        if (error != null) {
            line.set("error", mapper.valueToTree(error));
        }
        if (reason != null) {
            line.put("reason", reason);
        }
        append(runId, line);
    }

    void ended(String runId, String status) {
        append(runId, line("end", runId).put("status", status));
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
            return RunFile.parse(lines(file), mapper);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the run file " + file + ": " + e.getMessage(), e);
        }
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
                List<String> lines = lines(file);
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

    private void append(String runId, ObjectNode line) {
        lock.lock();
        try {
            Files.createDirectories(dir);
            Path file = dir.resolve(runId + ".jsonl");
            boolean created = !Files.exists(file);
            if (created && file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            byte[] bytes = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel out = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    out.write(buffer);
                }
                out.force(false);
            }
            if (created) {
                forceDirectory();
            }
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

    private static List<String> lines(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        int end = text.lastIndexOf('\n');
        // a torn last line (no newline after it) never completed: ignore it
        return end < 0
                ? List.of()
                : text.substring(0, end).lines().filter(l -> !l.isBlank()).toList();
    }
}
