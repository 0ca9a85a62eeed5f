package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.FakeStepCalls;
import io.enginex.edge.agent.testing.RecordingSleeper;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.GraphApproval;
import io.enginex.edge.protocol.GraphDecision;
import io.enginex.edge.protocol.GraphDecisionOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub's side of approval steps on the agent: a waiting step is told with its resolved, redacted
 * arguments; a decision is applied once by its id (a repeated frame runs nothing); a decision for a step
 * that no longer waits (decided at the machine, unknown, never an approval step, its graph withdrawn) is
 * answered with what became of it and changes nothing.
 */
class HubApprovalsTest {
    private static final String GRAPH = """
            {"version":1,"name":"payments","steps":[
              {"id":"prepare","tool":"sys.ping"},
              {"id":"pay","tool":"exec","dependsOn":["prepare"],
               "args":{"command":"erp-pay","params":{"month":"${input.month}"},"apiToken":"Bearer s3cr3t"},
               "approval":{"reason":"sends money"}}
            ]}""";

    private final ObjectMapper mapper = new ObjectMapper();
    private final GraphFormat format = new GraphFormat(mapper);
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-05T10:00:00Z"));
    private final AtomicInteger frameIds = new AtomicInteger();

    @TempDir
    Path temp;

    private FakeStepCalls calls;
    private RunJournal runs;
    private GraphRunner runner;
    private HubApprovals approvals;

    @BeforeEach
    void setUp() {
        calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        runs = new RunJournal(temp.resolve("runs"), mapper, clock);
        runner = new GraphRunner(new GraphRunner.Parts(calls, runs, new RecordingSleeper(clock), RunListener.NONE));
        approvals = new HubApprovals(runs, format);
    }

    private RunRecord startHubRun() throws Exception {
        return runner.run(
                format.parse(GRAPH, "payments.json"),
                mapper.readTree(GRAPH),
                mapper.readTree("{\"month\":\"2026-11\"}"),
                "gph_1",
                2);
    }

    private GraphDecision decision(String id, String runId, String step, boolean approved) {
        return new GraphDecision("h-" + frameIds.incrementAndGet(), id, runId, step, approved, "ana@hub", "month end");
    }

    private long paid() {
        return calls.calls().stream().filter(c -> c.step().equals("pay")).count();
    }

    @Test
    void aWaitingStepOfAHubGraphIsToldWithItsResolvedArgumentsAndSecretsRedacted() throws Exception {
        RunRecord run = startHubRun();
        clock.advance(java.time.Duration.ofMinutes(5));
        runner.run(format.parse(GRAPH, "payments.json"), mapper.readTree(GRAPH), mapper.readTree("{\"month\":\"x\"}"));

        List<GraphApproval> waiting = approvals.waiting(() -> "a-" + frameIds.incrementAndGet());

        assertThat(waiting)
                .as("a graph file's run is decided at the machine")
                .singleElement()
                .satisfies(w -> {
                    assertThat(w.runId()).isEqualTo(run.runId());
                    assertThat(w.step()).isEqualTo("pay");
                    assertThat(w.graphId()).isEqualTo("gph_1");
                    assertThat(w.version()).isEqualTo(2);
                    assertThat(w.graph()).isEqualTo("payments");
                    assertThat(w.tool()).isEqualTo("exec");
                    assertThat(w.reason()).isEqualTo("sends money");
                    assertThat(w.requestedAt()).isEqualTo(Instant.parse("2026-12-05T10:00:00Z"));
                    assertThat(w.args().path("params").path("month").asText()).isEqualTo("2026-11");
                    assertThat(w.args().path("apiToken").asText()).isEqualTo(HubApprovals.REDACTED);
                    assertThat(w.args().toString()).doesNotContain("s3cr3t");
                });
    }

    @Test
    void aRepeatedDecisionFrameIsAnsweredAppliedAndRunsTheStepOnce() throws Exception {
        RunRecord run = startHubRun();
        GraphDecision approve = decision("gap_1", run.runId(), "pay", true);

        HubApprovals.Applied first = approvals.apply(approve, runner, id -> true);
        assertThat(first.outcome()).isEqualTo(GraphDecisionOutcome.APPLIED);
        assertThat(first.resume()).isTrue();
        assertThat(runner.resume(run.runId(), format).status()).isEqualTo("succeeded");

        HubApprovals.Applied again = approvals.apply(decision("gap_1", run.runId(), "pay", true), runner, id -> true);
        assertThat(again.outcome()).isEqualTo(GraphDecisionOutcome.APPLIED);
        assertThat(again.resume()).isFalse();
        assertThat(again.message()).contains("not applied twice");
        assertThat(paid()).isEqualTo(1);
        assertThat(calls.approvedBy(run.runId() + ":pay:1")).isEqualTo("ana@hub");
        assertThat(Files.readString(temp.resolve("runs").resolve(run.runId() + ".jsonl")))
                .containsOnlyOnce("\"decisionId\":\"gap_1\"");
        assertThat(approvals.waiting(() -> "a-x")).isEmpty();
    }

    @Test
    void aDecisionForAStepDecidedAtTheMachineIsAnsweredAlreadyDecidedByWhom() throws Exception {
        RunRecord run = startHubRun();
        runner.decide(run.runId(), "pay", new StepApprovals.Decision(false, "local:bob", "not today"));

        HubApprovals.Applied late = approvals.apply(decision("gap_2", run.runId(), "pay", true), runner, id -> true);

        assertThat(late.outcome()).isEqualTo(GraphDecisionOutcome.ALREADY_DECIDED);
        assertThat(late.message()).contains("already decided by local:bob (denied");
        assertThat(late.resume()).isFalse();
        assertThat(runner.resume(run.runId(), format).steps().get("pay").error().message())
                .isEqualTo("denied by local:bob: not today");
        assertThat(paid()).isZero();
    }

    @Test
    void aLocalDecisionWhileTheAgentRunsWinsOverALaterHubDecisionAndRunsTheStepOnce() throws Exception {
        RunRecord run = startHubRun();

        HubApprovals.Applied local = approvals.applyLocal(
                run.runId(), "pay", new StepApprovals.Decision(true, "local:ana", null), runner, id -> true);
        assertThat(local.outcome()).isEqualTo(GraphDecisionOutcome.APPLIED);
        assertThat(local.resume()).isTrue();
        assertThat(runner.resume(run.runId(), format).status()).isEqualTo("succeeded");

        HubApprovals.Applied hub = approvals.apply(decision("gap_3", run.runId(), "pay", false), runner, id -> true);
        assertThat(hub.outcome()).isEqualTo(GraphDecisionOutcome.ALREADY_DECIDED);
        assertThat(hub.message()).contains("already decided by local:ana (approved");
        HubApprovals.Applied repeated = approvals.applyLocal(
                run.runId(), "pay", new StepApprovals.Decision(true, "local:ana", null), runner, id -> true);
        assertThat(repeated.outcome()).isEqualTo(GraphDecisionOutcome.ALREADY_DECIDED);
        assertThat(repeated.resume()).isFalse();
        assertThat(paid()).isEqualTo(1);
        assertThat(calls.approvedBy(run.runId() + ":pay:1")).isEqualTo("local:ana");
    }

    @Test
    void decisionsMadeAtTheMachineAreToldToTheHubAndHubDecisionsAreNot() throws Exception {
        RunRecord local = startHubRun();
        clock.advance(java.time.Duration.ofMinutes(1));
        runner.decide(local.runId(), "pay", new StepApprovals.Decision(false, "local:bob", "not today"));
        RunRecord hub = startHubRun();
        approvals.apply(decision("gap_5", hub.runId(), "pay", true), runner, id -> true);
        startHubRun(); // still waiting

        assertThat(approvals.decidedHere(() -> "a-" + frameIds.incrementAndGet()))
                .singleElement()
                .satisfies(d -> {
                    assertThat(d.runId()).isEqualTo(local.runId());
                    assertThat(d.step()).isEqualTo("pay");
                    assertThat(d.approved()).isFalse();
                    assertThat(d.by()).isEqualTo("local:bob");
                    assertThat(d.reason()).isEqualTo("not today");
                    assertThat(d.decidedAt()).isEqualTo(Instant.parse("2026-12-05T10:01:00Z"));
                });
        assertThat(approvals.decidedHere(() -> "a-x", hub.runId(), "pay")).isEmpty();
    }

    @Test
    void aLocalDecisionAfterTheHubsIsAnsweredAlreadyDecidedNamingTheHubUser() throws Exception {
        RunRecord run = startHubRun();
        approvals.apply(decision("gap_4", run.runId(), "pay", false), runner, id -> true);
        runner.resume(run.runId(), format);

        HubApprovals.Applied local = approvals.applyLocal(
                run.runId(), "pay", new StepApprovals.Decision(true, "local:ana", null), runner, id -> true);

        assertThat(local.outcome()).isEqualTo(GraphDecisionOutcome.ALREADY_DECIDED);
        assertThat(local.message()).contains("already decided by ana@hub (denied");
        assertThat(paid()).isZero();
    }

    @Test
    void aGraphFilesRunIsNotDecidedByTheRunningAgent() throws Exception {
        RunRecord file = runner.run(
                format.parse(GRAPH, "payments.json"), mapper.readTree(GRAPH), mapper.readTree("{\"month\":\"x\"}"));

        HubApprovals.Applied local = approvals.applyLocal(
                file.runId(), "pay", new StepApprovals.Decision(true, "local:ana", null), runner, id -> true);

        assertThat(local.outcome()).isEqualTo(GraphDecisionOutcome.NOT_WAITING);
        assertThat(local.message()).contains("graph decide");
        assertThat(runs.read(file.runId()).steps().get("pay").state()).isEqualTo(StepState.AWAITING_APPROVAL);
    }

    @Test
    void staleDecisionsAreAnsweredWithWhatBecameOfTheStepAndChangeNothing() throws Exception {
        RunRecord run = startHubRun();
        Path file = temp.resolve("runs").resolve(run.runId() + ".jsonl");
        String before = Files.readString(file);

        assertThat(approvals.apply(decision("gap_3", "run_0123456789abcdef", "pay", true), runner, id -> true))
                .satisfies(a -> {
                    assertThat(a.outcome()).isEqualTo(GraphDecisionOutcome.NOT_WAITING);
                    assertThat(a.message()).contains("there is no run run_0123456789abcdef");
                });
        assertThat(approvals.apply(decision("gap_4", run.runId(), "prepare", true), runner, id -> true))
                .satisfies(a -> {
                    assertThat(a.outcome()).isEqualTo(GraphDecisionOutcome.NOT_WAITING);
                    assertThat(a.message()).contains("step prepare", "does not wait for approval", "succeeded");
                });
        assertThat(approvals.apply(decision("gap_5", run.runId(), "pay", true), runner, id -> false))
                .satisfies(a -> {
                    assertThat(a.outcome()).isEqualTo(GraphDecisionOutcome.GRAPH_WITHDRAWN);
                    assertThat(a.message()).contains("gph_1", "no longer assigned", "not run");
                    assertThat(a.resume()).isFalse();
                });
        assertThat(Files.readString(file)).isEqualTo(before);
        assertThat(paid()).isZero();

        JsonNode answer = mapper.valueToTree(approvals
                .apply(decision("gap_6", run.runId(), "pay", false), runner, id -> true)
                .frame("a-9", decision("gap_6", run.runId(), "pay", false)));
        assertThat(answer.path("outcome").asText()).isEqualTo("applied");
        assertThat(runner.resume(run.runId(), format).status()).isEqualTo("failed");
        assertThat(approvals
                        .apply(decision("gap_7", run.runId(), "pay", true), runner, id -> true)
                        .outcome())
                .isEqualTo(GraphDecisionOutcome.ALREADY_DECIDED);
        assertThat(paid()).isZero();
    }
}
