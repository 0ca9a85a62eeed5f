package io.enginex.edge.agent.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.GraphOutputAck;
import io.enginex.edge.protocol.GraphOutputChunk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The upload of step outputs kept as files ({@link RunJournal#FILE_THRESHOLD}), for {@link GraphSync}:
 * after the hub acknowledged a step's record, its file goes up in {@link GraphOutputChunk#MAX_CHUNK_BYTES}
 * chunks, one in flight at a time, each from the offset the hub last said it has (so an upload cut by a
 * disconnect or a hub restart goes on where the hub's copy ends, and a repeated chunk changes nothing
 * there). An output the hub has in full is recorded in {@code outputs.jsonl} (append-only, each line
 * forced) and never sent again; one the hub refused is tried again on the next connection. Oldest runs
 * first. Not thread-safe on its own: {@link GraphSync} calls it under its lock.
 */
final class OutputUploads {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(OutputUploads.class);

    /** An output file to upload. */
    private record Target(String runId, String step, StepRecord.OutputFile file) {
        String stepId() {
            return runId + ":" + step;
        }
    }

    private final RunJournal runs;
    private final Path file;
    private final ObjectMapper mapper;
    private final Set<String> uploaded = new HashSet<>();
    private final Set<String> refusedHere = new HashSet<>();
    // what the hub last said it has of each output, the offset of its next chunk
    private final Map<String, Long> hubHas = new HashMap<>();
    private Target current;
    private GraphOutputChunk inFlight;

    /** @param file the record of outputs the hub has in full, e.g. {@code <state-dir>/graphs/outputs.jsonl} */
    OutputUploads(RunJournal runs, Path file, ObjectMapper mapper) {
        this.runs = runs;
        this.file = file;
        this.mapper = mapper;
        load();
    }

    /**
     * The next chunk to send, or empty when one is in flight or no output is waiting whose step record
     * {@code recordAcked} says the hub has.
     */
    Optional<GraphOutputChunk> next(String frameId, Predicate<String> recordAcked) {
        if (inFlight != null) {
            return Optional.empty();
        }
        while (true) {
            if (current == null) {
                current = find(recordAcked);
                if (current == null) {
                    return Optional.empty();
                }
            }
            long offset = hubHas.getOrDefault(current.stepId(), 0L);
            try {
                byte[] data = read(current, offset);
                inFlight = GraphOutputChunk.of(
                        frameId,
                        current.stepId(),
                        offset,
                        current.file().bytes(),
                        current.file().sha256(),
                        data);
                return Optional.of(inFlight);
            } catch (NoSuchFileException e) {
                log.atWarn()
                        .addKeyValue("step", current.stepId())
                        .log("the output file of a step is gone from " + runs.dir() + "; it is not uploaded");
                refusedHere.add(current.stepId());
                current = null;
            } catch (IOException e) {
                throw new UncheckedIOException(
                        "cannot read the output file of step " + current.stepId() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * The hub answered a chunk: how far its copy is, whether it has it all, or why it refused it. An
     * answer to a chunk not in flight (an older connection's) is ignored.
     *
     * @return true when another chunk may be sent now
     */
    boolean acked(GraphOutputAck ack) {
        if (inFlight == null || !inFlight.id().equals(ack.replyTo())) {
            return false;
        }
        String stepId = inFlight.stepId();
        inFlight = null;
        if (ack.error() != null) {
            log.atWarn()
                    .addKeyValue("step", stepId)
                    .addKeyValue("code", ack.error().code())
                    .log("the hub refused a step output file; it is tried again on the next connection: "
                            + ack.error().message());
            refusedHere.add(stepId);
            hubHas.remove(stepId);
            current = null;
        } else if (ack.complete()) {
            record(stepId);
            hubHas.remove(stepId);
            current = null;
        } else {
            hubHas.put(stepId, ack.received());
        }
        return true;
    }

    /** The connection closed: the chunk in flight is sent again (from the hub's count) on the next one. */
    void disconnected() {
        inFlight = null;
        refusedHere.clear();
        current = null;
    }

    /** Whether the hub has every output file of {@code run}. */
    boolean uploaded(RunRecord run) {
        return run.steps().values().stream()
                .filter(s -> s.outputFile() != null)
                .allMatch(s -> uploaded.contains(s.id()));
    }

    private Target find(Predicate<String> recordAcked) {
        for (RunRecord run : runs.list()) {
            for (StepRecord s : run.steps().values()) {
                if (s.outputFile() != null
                        && !uploaded.contains(s.id())
                        && !refusedHere.contains(s.id())
                        && recordAcked.test(s.id())) {
                    return new Target(run.runId(), s.step(), s.outputFile());
                }
            }
        }
        return null;
    }

    private byte[] read(Target t, long offset) throws IOException {
        long left = Math.max(0, t.file().bytes() - offset);
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(left, GraphOutputChunk.MAX_CHUNK_BYTES));
        try (FileChannel in = FileChannel.open(runs.outputFile(t.runId(), t.step()), StandardOpenOption.READ)) {
            while (buffer.hasRemaining()) {
                if (in.read(buffer, offset + buffer.position()) < 0) {
                    throw new IOException("the output file of step " + t.stepId() + " is shorter than its "
                            + t.file().bytes() + " bytes");
                }
            }
        }
        return buffer.array();
    }

    private void record(String stepId) {
        try {
            byte[] line = (mapper.writeValueAsString(mapper.createObjectNode().put("stepId", stepId)) + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            DurableAppend.to(file, line);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an upload line as JSON", e);
        } catch (IOException e) {
            // not recorded: the hub has it, and a repeated upload is answered "complete" at once
            throw new UncheckedIOException("cannot record the step outputs the hub has in " + file, e);
        } finally {
            uploaded.add(stepId);
        }
    }

    private void load() {
        if (!Files.exists(file)) {
            return;
        }
        try {
            for (String l : DurableAppend.completeLines(file)) {
                JsonNode line = mapper.readTree(l);
                uploaded.add(line.path("stepId").asText());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
