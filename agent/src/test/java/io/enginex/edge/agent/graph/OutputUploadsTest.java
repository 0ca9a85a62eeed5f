package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.GraphOutputAck;
import io.enginex.edge.protocol.GraphOutputChunk;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Step outputs kept as files beside the run and uploaded in chunks: after their record, from the hub's
 * count after a drop or a restart, once.
 */
class OutputUploadsTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));

    @TempDir
    Path temp;

    /** The hub's side, as GraphOutputs answers: appends a chunk that starts where its copy ends. */
    private static final class Hub {
        final ByteArrayOutputStream copy = new ByteArrayOutputStream();
        int stored;
        int ids;

        GraphOutputAck answer(GraphOutputChunk chunk) {
            if (chunk.offset() == copy.size() && copy.size() < chunk.totalBytes()) {
                copy.writeBytes(chunk.bytes());
                stored++;
            }
            return new GraphOutputAck(
                    "h-" + ++ids,
                    chunk.id(),
                    chunk.stepId(),
                    copy.size(),
                    copy.size() == chunk.totalBytes()
                            && RunJournal.sha256(copy.toByteArray()).equals(chunk.sha256()),
                    null);
        }
    }

    private RunJournal runs(StorageLimits limits) {
        return new RunJournal(temp.resolve("runs"), mapper, clock, limits);
    }

    private GraphSync sync(RunJournal runs) {
        return new GraphSync(runs, temp.resolve("synced.jsonl"), mapper);
    }

    private String runWithBigOutput(RunJournal runs, ObjectNode output) throws Exception {
        Graph g = new GraphFormat(mapper)
                .parse(
                        "{\"version\":1,\"name\":\"g\",\"steps\":[{\"id\":\"dump\",\"tool\":\"fs.read\",\"args\":{}}]}",
                        "g.json");
        String runId = runs.start(g, mapper.readTree("{\"version\":1}"), mapper.createObjectNode());
        clock.advance(Duration.ofSeconds(1));
        runs.settled(runId, "dump", StepState.SUCCEEDED, output, null, null);
        runs.ended(runId, "succeeded");
        return runId;
    }

    private ObjectNode output(int chars) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; text.length() < chars; i++) {
            text.append(i).append(',');
        }
        return mapper.createObjectNode().put("text", text.toString());
    }

    private static GraphRunsAck ackAll(GraphRuns frame) {
        return new GraphRunsAck(
                "h-0",
                frame.id(),
                frame.runs().stream().map(GraphRuns.Run::runId).toList(),
                frame.runs().stream()
                        .flatMap(r -> r.steps().stream())
                        .map(GraphRuns.Step::id)
                        .toList(),
                List.of());
    }

    @Test
    void anOutputOverTheThresholdIsAFileBesideTheRunAndItsRecordOnlyAnnouncesIt() throws Exception {
        RunJournal runs = runs(StorageLimits.DEFAULT);
        ObjectNode big = output(RunJournal.FILE_THRESHOLD + 1);
        String runId = runWithBigOutput(runs, big);
        byte[] text = big.toString().getBytes(StandardCharsets.UTF_8);

        assertThat(runs.outputFile(runId, "dump")).hasBinaryContent(text);
        assertThat(Files.readString(runs.dir().resolve(runId + ".jsonl"))).doesNotContain("0,1,2,3");
        StepRecord step = runs.read(runId).steps().get("dump");
        assertThat(step.output()).isNull();
        assertThat(step.outputFile()).isEqualTo(new StepRecord.OutputFile(text.length, RunJournal.sha256(text)));
        assertThat(runs.output(runId, step)).isEqualTo(big);

        GraphRuns.Step sent =
                sync(runs).next("a-1").orElseThrow().runs().get(0).steps().get(0);
        assertThat(sent.hasOutputFile()).isTrue();
        assertThat(sent.output()).isNull();
        assertThat(sent.outputTruncated()).isFalse();
        assertThat(sent.outputBytes()).isEqualTo(text.length);
        assertThat(sent.outputSha256()).isEqualTo(RunJournal.sha256(text));
    }

    @Test
    void anOutputFileCountsInTheQuotaAndOneWithoutRoomIsNotKeptNorIsAnythingJournalledLost() throws Exception {
        ObjectNode big = output(RunJournal.FILE_THRESHOLD * 2);
        RunJournal roomy = runs(new StorageLimits(10L << 20, 10L << 20, Duration.ofDays(1)));
        runWithBigOutput(roomy, big);
        long used;
        try (Stream<Path> files = Files.list(roomy.dir())) {
            used = files.mapToLong(f -> f.toFile().length()).sum();
        }
        assertThat(used).isGreaterThan(RunJournal.FILE_THRESHOLD * 2L);

        // room for the run files, not for a second output file
        RunJournal tight = runs(new StorageLimits(used + 4096, used + 4096, Duration.ofDays(1)));
        Graph g = new GraphFormat(mapper)
                .parse(
                        "{\"version\":1,\"name\":\"g\",\"steps\":[{\"id\":\"dump\",\"tool\":\"fs.read\",\"args\":{}}]}",
                        "g.json");
        String second = tight.start(g, mapper.readTree("{\"version\":1}"), mapper.createObjectNode());
        String before = Files.readString(tight.dir().resolve(second + ".jsonl"));
        assertThatThrownBy(() -> tight.settled(second, "dump", StepState.SUCCEEDED, big, null, null))
                .isInstanceOf(StorageQuotaExceededException.class)
                .hasMessageContaining("graph g")
                .hasMessageContaining("Nothing journalled was lost");
        assertThat(tight.outputFile(second, "dump")).doesNotExist();
        assertThat(Files.readString(tight.dir().resolve(second + ".jsonl"))).isEqualTo(before);
    }

    @Test
    void aFileGoesUpInChunksAfterItsRecordAndResumesFromTheHubsCountAfterADropAndARestartOnce() throws Exception {
        RunJournal runs = runs(StorageLimits.DEFAULT);
        ObjectNode big = output(GraphOutputChunk.MAX_CHUNK_BYTES * 3 + 1000);
        String runId = runWithBigOutput(runs, big);
        byte[] text = big.toString().getBytes(StandardCharsets.UTF_8);
        Hub hub = new Hub();

        GraphSync sync = sync(runs);
        long connection = sync.disconnected();
        assertThat(sync.nextChunk("a-0", connection))
                .as("nothing before the record is acked")
                .isEmpty();
        GraphRuns records = sync.next("a-1", connection).orElseThrow();
        assertThat(sync.nextChunk("a-2", connection))
                .as("nothing while the records are in flight")
                .isEmpty();
        sync.acked(ackAll(records));

        GraphOutputChunk first = sync.nextChunk("a-3", connection).orElseThrow();
        assertThat(first.offset()).isZero();
        assertThat(first.bytes()).hasSize(GraphOutputChunk.MAX_CHUNK_BYTES);
        assertThat(sync.nextChunk("a-4", connection)).as("one chunk in flight").isEmpty();
        assertThat(sync.chunkAcked(hub.answer(first))).isTrue();

        // the connection drops with the second chunk in flight, after the hub stored it
        GraphOutputChunk second = sync.nextChunk("a-5", connection).orElseThrow();
        assertThat(second.offset()).isEqualTo(GraphOutputChunk.MAX_CHUNK_BYTES);
        GraphOutputAck lost = hub.answer(second);
        connection = sync.disconnected();
        assertThat(sync.chunkAcked(lost)).as("an answer on the old connection").isFalse();
        GraphOutputChunk again = sync.nextChunk("a-6", connection).orElseThrow();
        assertThat(again.offset()).as("from the last acknowledged offset").isEqualTo(second.offset());
        sync.chunkAcked(hub.answer(again));
        assertThat(hub.stored).as("the repeated chunk is not stored twice").isEqualTo(2);

        // the agent restarts: it knows no offset; the hub's answer moves it on to the hub's count
        GraphSync restarted = sync(runs);
        connection = restarted.disconnected();
        assertThat(restarted.next("a-1", connection))
                .as("records were acked before")
                .isEmpty();
        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            var chunk = restarted.nextChunk("b-" + i, connection);
            if (chunk.isEmpty()) {
                break;
            }
            offsets.add(chunk.get().offset());
            restarted.chunkAcked(hub.answer(chunk.get()));
        }
        assertThat(offsets)
                .containsExactly(0L, 2L * GraphOutputChunk.MAX_CHUNK_BYTES, 3L * GraphOutputChunk.MAX_CHUNK_BYTES);
        assertThat(hub.copy.toByteArray()).isEqualTo(text);
        assertThat(hub.stored).isEqualTo(4);
        assertThat(restarted.synced(runId)).isTrue();

        GraphSync third = sync(runs);
        long last = third.disconnected();
        assertThat(third.nextChunk("c-1", last))
                .as("an output the hub has is never sent again")
                .isEmpty();
        assertThat(third.synced(runId)).isTrue();
    }

    @Test
    void aRunIsNotSyncedUntilItsFileIsUpAndARefusedFileIsTriedOnTheNextConnectionOnly() throws Exception {
        RunJournal runs = runs(StorageLimits.DEFAULT);
        String runId = runWithBigOutput(runs, output(RunJournal.FILE_THRESHOLD + 10));
        GraphSync sync = sync(runs);
        long connection = sync.disconnected();
        sync.acked(ackAll(sync.next("a-1", connection).orElseThrow()));
        assertThat(sync.synced(runId))
                .as("records and end acked, the file not yet")
                .isFalse();

        GraphOutputChunk chunk = sync.nextChunk("a-2", connection).orElseThrow();
        sync.chunkAcked(new GraphOutputAck(
                "h-1", chunk.id(), chunk.stepId(), 0, false, new ErrorInfo("graph_output_refused", "too big")));
        assertThat(sync.nextChunk("a-3", connection)).isEmpty();
        connection = sync.disconnected();
        assertThat(sync.nextChunk("a-4", connection)).isPresent();
        assertThat(sync.synced(runId)).isFalse();
    }
}
