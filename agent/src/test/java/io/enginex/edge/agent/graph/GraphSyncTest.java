package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upload side of graph runs: what is acked is never sent again, and what is not is sent after a drop. */
class GraphSyncTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final GraphFormat format = new GraphFormat(mapper);
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));

    @TempDir
    Path temp;

    private RunJournal journal;

    private RunJournal runs() {
        if (journal == null) {
            journal = new RunJournal(temp.resolve("runs"), mapper, clock);
        }
        return journal;
    }

    private GraphSync sync() {
        return new GraphSync(runs(), temp.resolve("synced.jsonl"), mapper);
    }

    private Graph graph(int steps) {
        String body = IntStream.range(0, steps)
                .mapToObj(i -> "{\"id\":\"s" + i + "\",\"tool\":\"fs.list\",\"args\":{}}")
                .collect(Collectors.joining(","));
        return format.parse("{\"version\":1,\"name\":\"g\",\"steps\":[" + body + "]}", "g.json");
    }

    private String start(Graph g, String graphId, Integer version) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        return runs().start(g, mapper.readTree("{\"version\":1}"), mapper.createObjectNode(), graphId, version);
    }

    private void succeed(String runId, String step, JsonNode output) {
        clock.advance(Duration.ofSeconds(1));
        runs().settled(runId, step, StepState.SUCCEEDED, output, null, null);
    }

    private static GraphRunsAck ackAll(GraphRuns frame) {
        return new GraphRunsAck(
                "h-1",
                frame.id(),
                frame.runs().stream().map(GraphRuns.Run::runId).toList(),
                frame.runs().stream()
                        .flatMap(r -> r.steps().stream())
                        .map(GraphRuns.Step::id)
                        .toList(),
                List.of());
    }

    @Test
    void runsGoOldestFirstAndWhatWasAckedIsNeverSentAgainEvenAfterARestart() throws Exception {
        Graph g = graph(2);
        String a = start(g, "gph_1", 2);
        succeed(a, "s0", mapper.readTree("{\"n\":1}"));
        String b = start(g, null, null);
        succeed(b, "s0", null);
        succeed(a, "s1", null);
        runs().ended(a, "succeeded");

        GraphSync sync = sync();
        GraphRuns first = sync.next("a-1").orElseThrow();
        assertThat(first.runs()).extracting(GraphRuns.Run::runId).containsExactly(a, b);
        GraphRuns.Run runA = first.runs().get(0);
        assertThat(runA.graphId()).isEqualTo("gph_1");
        assertThat(runA.graphVersion()).isEqualTo(2);
        assertThat(runA.status()).isEqualTo("succeeded");
        assertThat(runA.endedAt()).isNotNull();
        assertThat(runA.steps()).extracting(GraphRuns.Step::id).containsExactly(a + ":s0", a + ":s1");
        assertThat(runA.steps().get(0).output().path("n").asInt()).isEqualTo(1);
        assertThat(runA.steps().get(0).settledAt()).isNotNull();
        assertThat(first.runs().get(1).status()).isEqualTo("running");
        assertThat(first.runs().get(1).graphId()).isNull();
        // one frame in flight at a time
        assertThat(sync.next("a-2")).isEmpty();

        assertThat(sync.acked(ackAll(first))).isTrue();
        assertThat(sync.next("a-3")).isEmpty();
        assertThat(sync.synced(a)).isTrue();
        assertThat(sync.synced(b)).isFalse();

        // a restarted agent reads what was acked
        GraphSync restarted = sync();
        assertThat(restarted.next("a-1")).isEmpty();
        succeed(b, "s1", null);
        runs().ended(b, "succeeded");
        GraphRuns later = restarted.next("a-2").orElseThrow();
        assertThat(later.runs()).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo(b);
            assertThat(r.status()).isEqualTo("succeeded");
            assertThat(r.steps()).extracting(GraphRuns.Step::id).containsExactly(b + ":s1");
        });
    }

    @Test
    void aFrameNotAckedBeforeTheConnectionDroppedIsSentAgainAndALateAckIsIgnored() throws Exception {
        String a = start(graph(1), null, null);
        succeed(a, "s0", null);
        runs().ended(a, "failed");
        GraphSync sync = sync();
        GraphRuns lost = sync.next("a-1").orElseThrow();

        sync.disconnected();
        GraphRuns again = sync.next("a-7").orElseThrow();
        assertThat(again.runs()).isEqualTo(lost.runs());
        assertThat(sync.acked(ackAll(lost))).isFalse(); // the old connection's frame id
        assertThat(sync.synced(a)).isFalse();
        assertThat(sync.acked(ackAll(again))).isTrue();
        assertThat(sync.synced(a)).isTrue();
    }

    @Test
    void noFrameIsMadeForAConnectionThatWasReplaced() throws Exception {
        start(graph(1), null, null);
        GraphSync sync = sync();
        long old = sync.disconnected();
        long current = sync.disconnected();
        assertThat(sync.next("a-1", old)).isEmpty();
        assertThat(sync.next("a-1", current)).isPresent();
    }

    @Test
    void aRunTheHubRefusedIsTriedAgainOnTheNextConnectionOnly() throws Exception {
        String a = start(graph(1), null, null);
        runs().ended(a, "failed");
        GraphSync sync = sync();
        GraphRuns frame = sync.next("a-1").orElseThrow();
        sync.acked(new GraphRunsAck("h-1", frame.id(), List.of(), List.of(), List.of("run " + a + " refused")));
        assertThat(sync.next("a-2")).isEmpty();
        sync.disconnected();
        assertThat(sync.next("a-3")).isPresent();
    }

    @Test
    void aBigOutputOfARunJournalledBeforeFilesIsSentTruncatedWithItsSizeAndHash() throws Exception {
        String a = start(graph(1), null, null);
        ObjectNode big = mapper.createObjectNode().put("text", "x".repeat(GraphRuns.MAX_OUTPUT_CHARS));
        // an older agent wrote big outputs into the step line itself
        ObjectNode line = mapper.createObjectNode()
                .put("op", "step")
                .put("runId", a)
                .put("at", clock.instant().toString())
                .put("step", "s0")
                .put("state", "succeeded");
        line.set("output", big);
        java.nio.file.Files.writeString(
                runs().dir().resolve(a + ".jsonl"),
                mapper.writeValueAsString(line) + "\n",
                java.nio.file.StandardOpenOption.APPEND);
        GraphRuns.Step step =
                sync().next("a-1").orElseThrow().runs().get(0).steps().get(0);
        byte[] text = big.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(step.outputTruncated()).isTrue();
        assertThat(step.hasOutputFile()).isFalse();
        assertThat(step.output()).isNull();
        assertThat(step.outputBytes()).isEqualTo(text.length);
        assertThat(step.outputSha256())
                .isEqualTo(HexFormat.of()
                        .formatHex(MessageDigest.getInstance("SHA-256").digest(text)));
        assertThat(step.outputPreview()).hasSize(GraphRuns.PREVIEW_CHARS).startsWith("{\"text\":\"xxx");
    }

    @Test
    void aRunLargerThanOneFrameIsSentInBatchesAndEndsWithItsLastSteps() throws Exception {
        int n = GraphRuns.MAX_STEPS + 50;
        String a = start(graph(n), null, null);
        for (int i = 0; i < n; i++) {
            succeed(a, "s" + i, null);
        }
        runs().ended(a, "succeeded");
        GraphSync sync = sync();
        GraphRuns first = sync.next("a-1").orElseThrow();
        assertThat(first.runs().get(0).steps()).hasSize(GraphRuns.MAX_STEPS);
        assertThat(first.runs().get(0).status()).isEqualTo("running");
        assertThat(first.runs().get(0).endedAt()).isNull();
        sync.acked(ackAll(first));
        assertThat(sync.synced(a)).isFalse();
        GraphRuns second = sync.next("a-2").orElseThrow();
        assertThat(second.runs().get(0).steps())
                .hasSize(50)
                .first()
                .satisfies(s -> assertThat(s.id()).isEqualTo(a + ":s" + GraphRuns.MAX_STEPS));
        assertThat(second.runs().get(0).status()).isEqualTo("succeeded");
        sync.acked(ackAll(second));
        assertThat(sync.synced(a)).isTrue();
        assertThat(sync.next("a-3")).isEmpty();
    }
}
