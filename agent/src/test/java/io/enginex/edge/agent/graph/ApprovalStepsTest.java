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
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Approval steps: the run waits, durably (a new runner over the same files, as after a restart, still
 * waits and calls nothing), while steps that do not depend on the waiting one run; an approval runs the
 * step as a job approved by the decider; a denial fails it with the reason and skips its dependents.
 */
class ApprovalStepsTest {
    private static final String GRAPH = """
            {"version":1,"name":"g","steps":[
              {"id":"prepare","tool":"sys.ping"},
              {"id":"pay","tool":"exec","dependsOn":["prepare"],"approval":{"reason":"sends money"}},
              {"id":"notify","tool":"sys.ping","dependsOn":["pay"]},
              {"id":"other","tool":"sys.ping"}
            ]}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final GraphFormat format = new GraphFormat(mapper);
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T10:00:00Z"));

    @TempDir
    Path temp;

    /** A runner over the run files in {@code temp}: a new one is what a restarted agent has. */
    private GraphRunner runner(FakeStepCalls calls, StepApprovals approvals) {
        return new GraphRunner(new GraphRunner.Parts(
                calls,
                new RunJournal(temp.resolve("runs"), mapper, clock),
                new RecordingSleeper(clock),
                RunListener.NONE,
                approvals));
    }

    private RunRecord start(FakeStepCalls calls) throws Exception {
        return runner(calls, StepApprovals.WAIT)
                .run(format.parse(GRAPH, "g.json"), mapper.readTree(GRAPH), mapper.createObjectNode());
    }

    @Test
    void theRunWaitsAcrossARestartAndAnApprovalRunsTheStepAsApprovedJob() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord run = start(calls);

        assertThat(run.ended()).isFalse();
        assertThat(run.steps().get("pay").state()).isEqualTo(StepState.AWAITING_APPROVAL);
        assertThat(run.steps().get("notify").state()).isEqualTo(StepState.PENDING);
        assertThat(calls.calls()).extracting(FakeStepCalls.Call::step).containsExactly("prepare", "other");

        FakeStepCalls afterRestart = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord still = runner(afterRestart, StepApprovals.WAIT).resume(run.runId(), format);
        assertThat(still.steps().get("pay").state()).isEqualTo(StepState.AWAITING_APPROVAL);
        assertThat(afterRestart.calls()).isEmpty();
        assertThat(Files.readString(temp.resolve("runs").resolve(run.runId() + ".jsonl")))
                .containsOnlyOnce("\"decision\":\"requested\"");

        GraphRunner restarted = runner(afterRestart, StepApprovals.WAIT);
        restarted.decide(run.runId(), "pay", new StepApprovals.Decision(true, "ana@hub", null));
        RunRecord done = restarted.resume(run.runId(), format);

        assertThat(done.status()).isEqualTo("succeeded");
        assertThat(afterRestart.calls()).extracting(FakeStepCalls.Call::step).containsExactly("pay", "notify");
        assertThat(afterRestart.approvedBy(run.runId() + ":pay:1")).isEqualTo("ana@hub");
        assertThat(afterRestart.approvedBy(run.runId() + ":notify:1")).isNull();
        assertThat(afterRestart.requestedBy(run.runId() + ":pay:1"))
                .as("a person asked for consent sees which graph run asks")
                .isEqualTo("graph " + run.graphName() + " (run " + run.runId() + ", step pay)");
        assertThat(done.steps().get("pay").approvedBy()).isEqualTo("ana@hub");
        assertThatThrownBy(() -> restarted.decide(run.runId(), "pay", new StepApprovals.Decision(false, "bo", "x")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not wait for approval");
    }

    @Test
    void aDenialFailsTheStepWithTheReasonAndSkipsItsDependents() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord run = start(calls);

        GraphRunner restarted = runner(calls, StepApprovals.WAIT);
        restarted.decide(run.runId(), "pay", new StepApprovals.Decision(false, "ana@hub", "not this month"));
        RunRecord done = restarted.resume(run.runId(), format);

        assertThat(done.status()).isEqualTo("failed");
        StepRecord pay = done.steps().get("pay");
        assertThat(pay.state()).isEqualTo(StepState.FAILED);
        assertThat(pay.error().code()).isEqualTo(StepApprovals.DENIED);
        assertThat(pay.error().message()).isEqualTo("denied by ana@hub: not this month");
        assertThat(done.steps().get("notify").state()).isEqualTo(StepState.SKIPPED);
        assertThat(done.steps().get("notify").reason()).isEqualTo("its dependency pay failed");
        assertThat(calls.calls()).extracting(FakeStepCalls.Call::step).containsExactly("prepare", "other");
    }

    @Test
    void aSourceThatDecidesAtOnceIsJournalledLikeAnyDecision() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord run = runner(
                        calls,
                        (runId, step) -> Optional.of(new StepApprovals.Decision(false, "person at the machine", "no")))
                .run(format.parse(GRAPH, "g.json"), mapper.readTree(GRAPH), mapper.createObjectNode());

        assertThat(run.status()).isEqualTo("failed");
        assertThat(run.steps().get("pay").error().message()).isEqualTo("denied by person at the machine: no");
        assertThat(Files.readString(temp.resolve("runs").resolve(run.runId() + ".jsonl")))
                .contains("\"decision\":\"requested\"", "\"decision\":\"denied\"");
    }
}
