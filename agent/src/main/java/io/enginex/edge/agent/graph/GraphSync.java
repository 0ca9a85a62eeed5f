package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What of this machine's graph runs the hub has: the upload's side of docs/GRAPHS.md "Sync on
 * reconnect". {@link #next} makes the next {@code graphRuns} frame — runs oldest first, each with its
 * settled step records the hub has not acknowledged, at most {@link GraphRuns#MAX_RUNS} runs, {@link
 * GraphRuns#MAX_STEPS} steps and about {@link #FRAME_BUDGET} characters — and only one is in flight at a
 * time. {@link #acked} records what the hub acknowledged in {@code synced.jsonl} (append-only, each line
 * forced to the device), so it is never sent again, even after a restart; a frame not acknowledged
 * (the connection dropped) is sent again after the next welcome, which the hub's idempotence makes
 * harmless. A run the hub refused is tried again on the next connection, not on this one.
 *
 * <p>A run whose remaining steps do not all fit in one frame is sent as {@code running} until the frame
 * that carries its last steps, which carries its end. An output kept as a file ({@link
 * RunJournal#FILE_THRESHOLD}) is announced in its step record ({@code outputFile}, its size and SHA-256)
 * and follows, once the hub acknowledged the record, as {@code graphOutputChunk} frames ({@link
 * #nextChunk}, {@link OutputUploads}) — after the records, which go first whenever one is waiting. An
 * output of a run journalled before files existed that is larger than {@link GraphRuns#MAX_OUTPUT_CHARS}
 * (as JSON text) is sent truncated: no output, {@code outputTruncated}, the first {@link
 * GraphRuns#PREVIEW_CHARS} characters, the size in bytes and the SHA-256. A run is {@link #synced} once
 * the hub has its end, every record and every output file. Thread-safe.
 */
public final class GraphSync {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(GraphSync.class);

    /** About how many characters of outputs and inputs one frame carries (the frame limit is 1 MiB). */
    static final int FRAME_BUDGET = 512 * 1024;

    private record Synced(Set<String> steps, boolean ended) {}

    private final RunJournal runs;
    private final Path file;
    private final ObjectMapper mapper;
    private final Map<String, Synced> synced = new HashMap<>();
    private final Set<String> refusedHere = new HashSet<>();
    private final OutputUploads outputs;
    private final AuditUploads audits;
    // the hub acknowledged none of the last frame's audit records (an older hub): none until the next connection
    private boolean auditRefusedHere;
    private GraphRuns inFlight;
    private long connection;

    /**
     * @param file the record of what was acknowledged, e.g. {@code <state-dir>/graphs/synced.jsonl}; the
     *     output files the hub has are recorded beside it, in {@code outputs.jsonl}
     */
    public GraphSync(RunJournal runs, Path file, ObjectMapper mapper) {
        this(runs, file, null, mapper);
    }

    /**
     * As {@link #GraphSync(RunJournal, Path, ObjectMapper)}, and the lines of {@code auditLog} (the
     * agent's {@code audit.jsonl}) about graph steps' tool calls go up with the runs ({@link
     * AuditUploads}; what the hub has is recorded in {@code audit-synced.jsonl} beside {@code file}).
     *
     * @param auditLog the audit log, or null to upload no audit records
     */
    public GraphSync(RunJournal runs, Path file, Path auditLog, ObjectMapper mapper) {
        this.runs = runs;
        this.file = file;
        this.mapper = mapper;
        load();
        this.outputs = new OutputUploads(runs, file.resolveSibling("outputs.jsonl"), mapper);
        this.audits =
                auditLog == null ? null : new AuditUploads(auditLog, file.resolveSibling("audit-synced.jsonl"), mapper);
    }

    /**
     * The next chunk of an output file to send, for the connection {@link #disconnected} numbered: empty
     * while a {@code graphRuns} frame or another chunk is in flight, or when no output file is waiting
     * whose step record the hub acknowledged.
     */
    public synchronized Optional<io.enginex.edge.protocol.GraphOutputChunk> nextChunk(
            String frameId, long forConnection) {
        if (inFlight != null || forConnection != connection) {
            return Optional.empty();
        }
        return outputs.next(frameId, stepId -> {
            Synced have = synced.get(stepId.substring(0, stepId.indexOf(':')));
            return have != null && have.steps().contains(stepId);
        });
    }

    /**
     * The hub answered a chunk. When it has a run's last output file and the run is synced, old runs are
     * pruned.
     *
     * @return true when another frame may be sent now
     */
    public synchronized boolean chunkAcked(io.enginex.edge.protocol.GraphOutputAck ack) {
        boolean next = outputs.acked(ack);
        if (next && ack.complete()) {
            prune();
        }
        return next;
    }

    /**
     * The next frame to send, made with {@code frameId}; empty when a frame is in flight or nothing is
     * left to send.
     */
    public synchronized Optional<GraphRuns> next(String frameId) {
        return next(frameId, connection);
    }

    /**
     * As {@link #next(String)}, for the connection {@link #disconnected} numbered: empty when another
     * connection came since (a frame made for a closed connection would never be acked).
     */
    public synchronized Optional<GraphRuns> next(String frameId, long forConnection) {
        if (inFlight != null || forConnection != connection) {
            return Optional.empty();
        }
        List<GraphRuns.Run> batch = new ArrayList<>();
        int steps = 0;
        int chars = 0;
        for (RunRecord run : runs.list()) {
            if (batch.size() == GraphRuns.MAX_RUNS || steps == GraphRuns.MAX_STEPS || chars >= FRAME_BUDGET) {
                break;
            }
            if (refusedHere.contains(run.runId())) {
                continue;
            }
            Synced have = synced.get(run.runId());
            if (have != null && have.ended()) {
                continue;
            }
            List<StepRecord> unsent = run.steps().values().stream()
                    .filter(s -> s.state().settled())
                    .filter(s -> have == null || !have.steps().contains(s.id()))
                    .toList();
            if (have != null && unsent.isEmpty() && !run.ended()) {
                continue;
            }
            List<GraphRuns.Step> out = new ArrayList<>();
            for (StepRecord s : unsent) {
                if (steps == GraphRuns.MAX_STEPS || (chars >= FRAME_BUDGET && !out.isEmpty())) {
                    break;
                }
                GraphRuns.Step step = step(s);
                chars += step.output() == null ? 200 : step.output().toString().length() + 200;
                chars += step.consent() == null ? 0 : step.consent().toString().length();
                out.add(step);
                steps++;
            }
            boolean complete = out.size() == unsent.size();
            JsonNode input = sized(run.input());
            chars += input == null ? 200 : input.toString().length() + 200;
            batch.add(new GraphRuns.Run(
                    run.runId(),
                    run.graphName(),
                    run.graphId(),
                    run.graphVersion(),
                    complete ? run.status() : "running",
                    run.startedAt(),
                    complete ? run.endedAt() : null,
                    input,
                    out));
        }
        List<GraphRuns.AuditRecord> audit = audits == null || auditRefusedHere
                ? List.of()
                : audits.next(chars >= FRAME_BUDGET / 2 ? GraphRuns.MAX_AUDIT / 4 : GraphRuns.MAX_AUDIT);
        if (batch.isEmpty() && audit.isEmpty()) {
            return Optional.empty();
        }
        inFlight = new GraphRuns(frameId, batch, audit);
        return Optional.of(inFlight);
    }

    /**
     * The hub acknowledged a frame: what it names is recorded as synced and never sent again. An ack of
     * a frame not in flight (an older connection's) is ignored.
     *
     * @return true when another frame may be sent now
     */
    public synchronized boolean acked(GraphRunsAck ack) {
        if (inFlight == null || !inFlight.id().equals(ack.replyTo())) {
            return false;
        }
        Set<String> ackedRuns = Set.copyOf(ack.runs());
        Set<String> ackedSteps = Set.copyOf(ack.steps());
        boolean anyEnded = false;
        for (GraphRuns.Run run : inFlight.runs()) {
            if (!ackedRuns.contains(run.runId())) {
                refusedHere.add(run.runId());
                continue;
            }
            List<String> steps = run.steps().stream()
                    .map(GraphRuns.Step::id)
                    .filter(ackedSteps::contains)
                    .toList();
            boolean ended = run.ended() && steps.size() == run.steps().size();
            record(run.runId(), steps, ended);
            anyEnded |= ended;
        }
        if (!inFlight.audit().isEmpty()) {
            String last = inFlight.audit().getLast().id();
            if (ack.audit().contains(last)) {
                audits.acked(last);
            } else {
                auditRefusedHere = true;
            }
        }
        inFlight = null;
        if (anyEnded) {
            prune();
        }
        return true;
    }

    /**
     * Deletes the files of runs past the retention that the hub has in full ({@link RunJournal#prune});
     * a failure is logged and tried again after the next run that syncs.
     */
    private void prune() {
        try {
            List<String> pruned = runs.prune(this::synced);
            if (!pruned.isEmpty()) {
                log.atInfo()
                        .addKeyValue("runs", pruned.size())
                        .addKeyValue("folder", runs.dir())
                        .log("deleted the files of old graph runs the hub has");
            }
        } catch (java.io.UncheckedIOException e) {
            log.atWarn().addKeyValue("folder", runs.dir()).setCause(e).log("could not delete old graph runs");
        }
    }

    /**
     * The connection closed (or a new one was welcomed): the frame in flight is sent again after the next
     * welcome.
     *
     * @return the number of the next connection, for {@link #next(String, long)}
     */
    public synchronized long disconnected() {
        inFlight = null;
        auditRefusedHere = false;
        refusedHere.clear();
        outputs.disconnected();
        return ++connection;
    }

    /** Whether the hub acknowledged the run, at least as far as it had come. */
    public synchronized boolean acknowledged(String runId) {
        return synced.containsKey(runId);
    }

    /** Whether the hub acknowledged the run's end, all its steps and all its output files. */
    public synchronized boolean synced(String runId) {
        Synced s = synced.get(runId);
        return s != null && s.ended() && outputs.uploaded(runs.read(runId));
    }

    private GraphRuns.Step step(StepRecord s) {
        if (s.outputFile() != null) {
            return new GraphRuns.Step(
                    s.id(),
                    s.step(),
                    s.state().label(),
                    s.attempts(),
                    s.error(),
                    s.reason(),
                    null,
                    false,
                    null,
                    s.outputFile().bytes(),
                    s.outputFile().sha256(),
                    s.settledAt(),
                    true,
                    s.consent());
        }
        String text = s.output() == null ? null : s.output().toString();
        boolean truncated = text != null && text.length() > GraphRuns.MAX_OUTPUT_CHARS;
        byte[] bytes = text == null ? null : text.getBytes(StandardCharsets.UTF_8);
        return new GraphRuns.Step(
                s.id(),
                s.step(),
                s.state().label(),
                s.attempts(),
                s.error(),
                s.reason(),
                truncated ? null : s.output(),
                truncated,
                truncated ? text.substring(0, GraphRuns.PREVIEW_CHARS) : null,
                bytes == null ? null : (long) bytes.length,
                bytes == null ? null : sha256(bytes),
                s.settledAt(),
                null,
                s.consent());
    }

    private static JsonNode sized(JsonNode input) {
        return input == null || input.toString().length() > GraphRuns.MAX_OUTPUT_CHARS ? null : input;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private void record(String runId, List<String> steps, boolean ended) {
        Synced before = synced.get(runId);
        Set<String> all = new HashSet<>(before == null ? Set.of() : before.steps());
        all.addAll(steps);
        ObjectNode line = mapper.createObjectNode().put("runId", runId).put("ended", ended);
        steps.forEach(line.putArray("steps")::add);
        try {
            byte[] text = (mapper.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
            DurableAppend.to(file, text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a sync line as JSON", e);
        } catch (IOException e) {
            // not recorded: the hub has it, and sending it again changes nothing there
            throw new UncheckedIOException("cannot record the graph runs the hub has in " + file, e);
        }
        synced.put(runId, new Synced(all, ended || (before != null && before.ended())));
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (String l : DurableAppend.completeLines(file)) {
                JsonNode line = mapper.readTree(l);
                String runId = line.path("runId").asText();
                Synced before = synced.get(runId);
                Set<String> all = new HashSet<>(before == null ? Set.of() : before.steps());
                line.path("steps").forEach(s -> all.add(s.asText()));
                synced.put(
                        runId, new Synced(all, line.path("ended").asBoolean() || (before != null && before.ended())));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
