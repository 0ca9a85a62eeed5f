package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.FakeStepCalls;
import io.enginex.edge.agent.testing.RecordingSleeper;
import io.enginex.edge.common.graph.GraphFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run files' quotas and retention ({@link StorageLimits}): a quota that is reached fails the step
 * it was reached at with {@code storage_quota_exceeded} (the tool not called, or its output not kept),
 * the run ends failed, and every byte already journalled stays; old runs are pruned only once ended
 * and acknowledged by the hub.
 */
class GraphStorageTest {
    private static final String GRAPH = """
            {"version":1,"name":"%s","steps":[
              {"id":"s1","tool":"sys.ping"},{"id":"s2","tool":"sys.ping"},{"id":"s3","tool":"sys.ping"},
              {"id":"s4","tool":"sys.ping"},{"id":"s5","tool":"sys.ping"},{"id":"s6","tool":"sys.ping"},
              {"id":"s7","tool":"sys.ping"},{"id":"s8","tool":"sys.ping"}
            ]}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final GraphFormat format = new GraphFormat(mapper);
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));

    @TempDir
    Path temp;

    private RunJournal journal(StorageLimits limits) {
        return new RunJournal(temp.resolve("runs"), mapper, clock, limits);
    }

    private RunRecord run(RunJournal journal, FakeStepCalls calls, String name) throws Exception {
        String graph = GRAPH.formatted(name);
        return new GraphRunner(new GraphRunner.Parts(calls, journal, new RecordingSleeper(clock), RunListener.NONE))
                .run(format.parse(graph, "g.json"), mapper.readTree(graph), mapper.readTree("{}"));
    }

    private long size(String runId) throws Exception {
        return Files.size(temp.resolve("runs").resolve(runId + ".jsonl"));
    }

    @Test
    void aReachedQuotaFailsTheRunClearlyAndKeepsEverythingJournalled() throws Exception {
        RunRecord first = run(journal(StorageLimits.DEFAULT), calls(), "nightly");
        assertThat(first.status()).isEqualTo("succeeded");
        long full = size(first.runId());
        byte[] before = Files.readAllBytes(temp.resolve("runs").resolve(first.runId() + ".jsonl"));

        // room for about half of a second run of the same graph
        FakeStepCalls calls = calls();
        RunRecord second =
                run(journal(new StorageLimits(full + full / 2, 1L << 30, Duration.ofDays(30))), calls, "nightly");

        assertThat(second.status()).isEqualTo("failed");
        List<StepRecord> refused = second.steps().values().stream()
                .filter(s -> s.state() == StepState.FAILED)
                .toList();
        List<StepRecord> done = second.steps().values().stream()
                .filter(s -> s.state() == StepState.SUCCEEDED)
                .toList();
        assertThat(done)
                .as("the steps before the quota ran and kept their outputs")
                .isNotEmpty();
        assertThat(done).allSatisfy(s -> assertThat(s.output()).isNotNull());
        assertThat(refused).isNotEmpty();
        assertThat(done.size() + refused.size()).isEqualTo(8);
        assertThat(refused).allSatisfy(s -> {
            assertThat(s.error().code()).isEqualTo(StorageQuotaExceededException.CODE);
            assertThat(s.error().message())
                    .contains("the run files of graph nightly take")
                    .contains("quota is");
        });
        // a refused attempt was never called; only a step whose output had no room ran
        long outputLost = refused.stream()
                .filter(s -> s.error().message().contains("its output was not kept"))
                .count();
        assertThat(outputLost).isLessThanOrEqualTo(1);
        assertThat(calls.calls()).hasSize(done.size() + (int) outputLost);
        // the first run's file is byte for byte what it was, and the second's reads back whole
        assertThat(Files.readAllBytes(temp.resolve("runs").resolve(first.runId() + ".jsonl")))
                .isEqualTo(before);
        assertThat(journal(StorageLimits.DEFAULT).read(second.runId()).status()).isEqualTo("failed");

        // another graph still has room under its own quota, until the total is reached
        RunRecord other =
                run(journal(new StorageLimits(full + full / 2, 1L << 30, Duration.ofDays(30))), calls(), "weekly");
        assertThat(other.status()).isEqualTo("succeeded");
        assertThatThrownBy(
                        () -> run(journal(new StorageLimits(full, full * 2, Duration.ofDays(30))), calls(), "monthly"))
                .isInstanceOf(StorageQuotaExceededException.class)
                .hasMessageContaining("the run files of all graphs take");
        assertThat(journal(StorageLimits.DEFAULT).list()).hasSize(3);
    }

    @Test
    void aGraphsOwnQuotaCanOnlyNarrowThePolicys() throws Exception {
        long full = size(run(journal(StorageLimits.DEFAULT), calls(), "nightly").runId());

        RunRecord narrowedByGraph = runLimited(journal(StorageLimits.DEFAULT), full + full / 2);
        assertThat(narrowedByGraph.status()).isEqualTo("failed");
        assertThat(failures(narrowedByGraph))
                .allSatisfy(m -> assertThat(m)
                        .contains("its quota is " + (full + full / 2) + " (the graph's limits.storageBytes)"));

        // the graph asks for a gigabyte; the policy allows less, and wins
        RunRecord narrowedByPolicy =
                runLimited(journal(new StorageLimits(full * 3, 1L << 30, Duration.ofDays(30))), 1L << 30);
        assertThat(narrowedByPolicy.status()).isEqualTo("failed");
        assertThat(failures(narrowedByPolicy))
                .allSatisfy(
                        m -> assertThat(m).contains("its quota is " + full * 3 + " (the policy's limits.graphBytes)"));
    }

    private RunRecord runLimited(RunJournal journal, long storageBytes) throws Exception {
        String graph = GRAPH.formatted("nightly")
                .replace("\"steps\":[", "\"limits\":{\"storageBytes\":" + storageBytes + "},\"steps\":[");
        return new GraphRunner(new GraphRunner.Parts(calls(), journal, new RecordingSleeper(clock), RunListener.NONE))
                .run(format.parse(graph, "g.json"), mapper.readTree(graph), mapper.readTree("{}"));
    }

    private static List<String> failures(RunRecord run) {
        List<String> messages = run.steps().values().stream()
                .filter(s -> s.state() == StepState.FAILED)
                .map(s -> s.error().message())
                .toList();
        assertThat(messages).isNotEmpty();
        return messages;
    }

    @Test
    void onlyEndedRunsTheHubAcknowledgedArePrunedAndOnlyAfterTheRetention() throws Exception {
        StorageLimits limits = new StorageLimits(1L << 20, 1L << 20, Duration.ofDays(30));
        RunJournal journal = journal(limits);
        String synced = run(journal, calls(), "nightly").runId();
        String notSynced = run(journal, calls(), "nightly").runId();
        String unfinished = journal.start(
                format.parse(GRAPH.formatted("nightly"), "g.json"),
                mapper.readTree(GRAPH.formatted("nightly")),
                mapper.readTree("{}"));

        clock.advance(Duration.ofDays(29));
        assertThat(journal.prune(id -> true)).isEmpty();
        clock.advance(Duration.ofDays(2));
        assertThat(journal.prune(id -> id.equals(synced) || id.equals(unfinished)))
                .containsExactly(synced);
        assertThat(journal.list()).extracting(RunRecord::runId).containsExactlyInAnyOrder(notSynced, unfinished);

        // the pruned bytes are room again: a quota of two runs takes a new one
        long one = size(notSynced);
        RunJournal tight = journal(new StorageLimits(one * 3, one * 3, Duration.ofDays(30)));
        assertThat(run(tight, calls(), "nightly").status()).isEqualTo("succeeded");
    }

    @Test
    void thePolicysRetentionPrunesSyncedRunsSooner() throws Exception {
        var policy = new io.enginex.edge.agent.policy.Limits(
                1L << 20, 1L << 20, 1000, "test limits", java.util.Map.of(), 1L << 20, 1L << 20, 2);
        RunJournal journal = journal(StorageLimits.of(policy));
        String synced = run(journal, calls(), "nightly").runId();

        clock.advance(Duration.ofDays(1));
        assertThat(journal.prune(id -> true)).isEmpty();
        clock.advance(Duration.ofDays(2));
        assertThat(journal.prune(id -> true)).containsExactly(synced);
    }

    private FakeStepCalls calls() {
        return new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
    }
}
