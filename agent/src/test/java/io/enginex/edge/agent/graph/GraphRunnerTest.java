package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.FakeStepCalls;
import io.enginex.edge.agent.testing.RecordingSleeper;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphRunnerTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final GraphFormat format = new GraphFormat(mapper);
    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);

    @TempDir
    Path temp;

    private RunJournal runs() {
        return new RunJournal(temp.resolve("runs"), mapper, clock);
    }

    private GraphRunner runner(FakeStepCalls calls) {
        return new GraphRunner(new GraphRunner.Parts(calls, runs(), sleeper, RunListener.NONE));
    }

    private RunRecord run(FakeStepCalls calls, String graph, String input) throws Exception {
        return runner(calls).run(format.parse(graph, "g.json"), mapper.readTree(graph), mapper.readTree(input));
    }

    private static JobOutcome failure(String code, Instant at) {
        return JobOutcome.failure(code, "it failed", at, at);
    }

    @Test
    void stepsRunAfterTheirDependenciesWithReferencesResolved() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"b","tool":"fs.read","dependsOn":["a"],
                   "args":{"all":"${steps.a.output}","path":"${input.dir}/${steps.a.output.step}.txt"}},
                  {"id":"a","tool":"sys.ping","args":{"n":"${input.n}"}}
                ]}""", "{\"dir\":\"in\",\"n\":7}");

        assertThat(calls.calls()).extracting(FakeStepCalls.Call::step).containsExactly("a", "b");
        assertThat(calls.calls().get(0).args()).isEqualTo(mapper.readTree("{\"n\":7}"));
        JsonNode b = calls.calls().get(1).args();
        assertThat(b.get("path").asText()).isEqualTo("in/a.txt");
        assertThat(b.get("all").get("attempt").asInt()).isEqualTo(1);
        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(run.steps().get("b").id()).isEqualTo(run.runId() + ":b");
        assertThat(run.steps().get("b").jobId()).isEqualTo(run.runId() + ":b:1");
        assertThat(runs().list()).extracting(RunRecord::runId).containsExactly(run.runId());
    }

    @Test
    void falseConditionSkipsTheStepAndItsDependents() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping"},
                  {"id":"b","tool":"sys.ping","dependsOn":["a"],"when":"input.full == true"},
                  {"id":"c","tool":"sys.ping","dependsOn":["b"]},
                  {"id":"d","tool":"sys.ping","dependsOn":["a"],"when":"steps.a.output.attempt == 1"}
                ]}""", "{\"full\":false}");

        assertThat(calls.calls()).extracting(FakeStepCalls.Call::step).containsExactly("a", "d");
        assertThat(run.steps().get("b").state()).isEqualTo(StepState.SKIPPED);
        assertThat(run.steps().get("b").reason()).isEqualTo("its condition is false: input.full == true");
        assertThat(run.steps().get("c").reason()).isEqualTo("its dependency b skipped");
        assertThat(run.status()).isEqualTo("succeeded");
    }

    @Test
    void failedStepSkipsItsDependentsButNotOtherSteps() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(
                clock,
                (step, attempt, args, c) -> step.equals("a")
                        ? failure(ErrorCodes.NOT_FOUND, c.instant())
                        : FakeStepCalls.succeed().answer(step, attempt, args, c),
                Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"fs.read"},
                  {"id":"b","tool":"sys.ping","dependsOn":["a"]},
                  {"id":"c","tool":"sys.ping"}
                ]}""", "{}");

        assertThat(calls.calls()).extracting(FakeStepCalls.Call::step).containsExactly("a", "c");
        assertThat(run.steps().get("a").state()).isEqualTo(StepState.FAILED);
        assertThat(run.steps().get("a").error().code()).isEqualTo(ErrorCodes.NOT_FOUND);
        assertThat(run.steps().get("b").reason()).isEqualTo("its dependency a failed");
        assertThat(run.status()).isEqualTo("failed");
    }

    @Test
    void failuresAreRetriedWithExponentialBackoffOnTheClock() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(
                clock,
                (step, attempt, args, c) -> attempt < 4
                        ? failure(ErrorCodes.TOOL_FAILED, c.instant())
                        : FakeStepCalls.succeed().answer(step, attempt, args, c),
                Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"http.request",
                   "retry":{"maxAttempts":5,"initialDelayMillis":100,"multiplier":2,"maxDelayMillis":300}}
                ]}""", "{}");

        assertThat(sleeper.delays())
                .containsExactly(Duration.ofMillis(100), Duration.ofMillis(200), Duration.ofMillis(300));
        assertThat(calls.calls()).extracting(FakeStepCalls.Call::attempt).containsExactly(1, 2, 3, 4);
        assertThat(run.steps().get("a").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(run.steps().get("a").attempts()).isEqualTo(4);
        assertThat(clock.instant()).isEqualTo(Instant.parse("2026-12-04T10:00:00.600Z"));
    }

    @Test
    void retriesEndAtMaxAttemptsAndPermanentFailuresAreNotRetried() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(
                clock,
                (step, attempt, args, c) -> failure(
                        step.equals("policy") ? ErrorCodes.BLOCKED_BY_POLICY : ErrorCodes.TOOL_FAILED, c.instant()),
                Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"policy","tool":"exec","retry":{"maxAttempts":3,"initialDelayMillis":10}},
                  {"id":"flaky","tool":"exec","retry":{"maxAttempts":2,"initialDelayMillis":10}}
                ]}""", "{}");

        assertThat(calls.calls())
                .extracting(FakeStepCalls.Call::jobId)
                .containsExactly(run.runId() + ":policy:1", run.runId() + ":flaky:1", run.runId() + ":flaky:2");
        assertThat(sleeper.delays()).containsExactly(Duration.ofMillis(10));
        assertThat(run.steps().get("policy").error().code()).isEqualTo(ErrorCodes.BLOCKED_BY_POLICY);
        assertThat(run.steps().get("flaky").state()).isEqualTo(StepState.FAILED);
    }

    /**
     * The person's answer: a Deny, nobody signed in and several signed in are never asked again; an
     * unanswered request ({@code consent_timeout}) is retried as the step's retry allows, and the
     * evidence of the attempt that settled the step is kept in the run file (each retried attempt's on
     * its {@code attemptFailed} line).
     */
    @Test
    void consentRefusalsAreNotRetriedButAnUnansweredRequestIs() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(
                clock,
                (step, attempt, args, c) -> switch (step) {
                    case "away" ->
                        attempt < 3
                                ? failure(ErrorCodes.CONSENT_TIMEOUT, c.instant())
                                        .withConsent(mapper.createObjectNode()
                                                .put("answer", "timeout")
                                                .put("attempt", attempt))
                                : FakeStepCalls.succeed()
                                        .answer(step, attempt, args, c)
                                        .withConsent(mapper.createObjectNode()
                                                .put("answer", "allowed")
                                                .put("answeredBy", "alice"));
                    case "denied" ->
                        failure(ErrorCodes.CONSENT_DENIED, c.instant())
                                .withConsent(mapper.createObjectNode().put("answer", "denied"));
                    case "nobody" -> failure(ErrorCodes.NO_USER_SESSION, c.instant());
                    default -> failure(ErrorCodes.CONSENT_UNAVAILABLE, c.instant());
                },
                Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"away","tool":"app.open","retry":{"maxAttempts":3,"initialDelayMillis":10}},
                  {"id":"denied","tool":"app.open","retry":{"maxAttempts":3,"initialDelayMillis":10}},
                  {"id":"nobody","tool":"app.open","retry":{"maxAttempts":3,"initialDelayMillis":10}},
                  {"id":"several","tool":"app.open","retry":{"maxAttempts":3,"initialDelayMillis":10}}
                ]}""", "{}");

        assertThat(calls.calls())
                .extracting(FakeStepCalls.Call::jobId)
                .containsExactly(
                        run.runId() + ":away:1",
                        run.runId() + ":away:2",
                        run.runId() + ":away:3",
                        run.runId() + ":denied:1",
                        run.runId() + ":nobody:1",
                        run.runId() + ":several:1");
        RunRecord read = runs().read(run.runId());
        assertThat(read.steps().get("away").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(read.steps().get("away").consent().path("answeredBy").asText())
                .isEqualTo("alice");
        assertThat(read.steps().get("denied").consent().path("answer").asText()).isEqualTo("denied");
        assertThat(read.steps().get("nobody").consent()).isNull();
        assertThat(read.steps().get("several").error().code()).isEqualTo(ErrorCodes.CONSENT_UNAVAILABLE);
        assertThat(java.nio.file.Files.readAllLines(temp.resolve("runs").resolve(run.runId() + ".jsonl")).stream()
                        .filter(l -> l.contains("\"attemptFailed\""))
                        .map(l -> l.contains("\"consent\":{\"answer\":\"timeout\""))
                        .toList())
                .containsExactly(true, true);
    }

    @Test
    void referenceThatPointsAtNothingFailsTheStepWithoutCallingIt() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        RunRecord run = run(calls, """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"fs.read","args":{"path":"${input.missing}"}}
                ]}""", "{}");

        assertThat(calls.calls()).isEmpty();
        assertThat(run.steps().get("a").error().code()).isEqualTo(ErrorCodes.INVALID_ARGUMENTS);
        assertThat(run.steps().get("a").error().message()).contains("${input.missing} points at nothing");
    }

    private static final String CHAIN = """
            {"version":1,"name":"chain","steps":[
              {"id":"a","tool":"fs.write"},
              {"id":"b","tool":"exec","dependsOn":["a"]},
              {"id":"c","tool":"fs.write","dependsOn":["b"]}
            ]}""";

    /** As if the agent died after journaling b's first attempt: a done, b begun. */
    private String crashedRun(FakeStepCalls before) throws Exception {
        Graph graph = format.parse(CHAIN, "g.json");
        RunJournal runs = runs();
        String runId = runs.start(graph, mapper.readTree(CHAIN), mapper.createObjectNode());
        runs.attempt(runId, "a", 1, runId + ":a:1");
        runs.settled(runId, "a", StepState.SUCCEEDED, mapper.createObjectNode(), null, null);
        runs.attempt(runId, "b", 1, runId + ":b:1");
        return runId;
    }

    @Test
    void resumedRunMarksTheInFlightNonIdempotentStepInterruptedAndRunsNothingTwice() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        String runId = crashedRun(calls);
        calls.begunByDeadProcess(runId + ":b:1");

        RunRecord run = runner(calls).resume(runId, format);

        assertThat(calls.calls()).isEmpty();
        assertThat(run.steps().get("a").state()).isEqualTo(StepState.SUCCEEDED);
        assertThat(run.steps().get("b").state()).isEqualTo(StepState.INTERRUPTED);
        assertThat(run.steps().get("b").reason()).contains("exec is not idempotent: it is not run again");
        assertThat(run.steps().get("c").reason()).isEqualTo("its dependency b interrupted");
        assertThat(run.status()).isEqualTo("interrupted");
    }

    @Test
    void resumedRunCallsAnIdempotentInFlightStepAgainAsANewAttempt() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of("exec"));
        String runId = crashedRun(calls);
        calls.begunByDeadProcess(runId + ":b:1");

        RunRecord run = runner(calls).resume(runId, format);

        assertThat(calls.calls()).extracting(FakeStepCalls.Call::jobId).containsExactly(runId + ":b:2", runId + ":c:1");
        assertThat(run.status()).isEqualTo("succeeded");
    }

    @Test
    void resumedRunTakesTheOutcomeOfAJobThatFinishedBeforeTheCrash() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        String runId = crashedRun(calls);
        calls.finishedByDeadProcess(
                runId + ":b:1",
                JobOutcome.success(mapper.readTree("{\"exitCode\":0}"), clock.instant(), clock.instant())
                        .withConsent(mapper.createObjectNode().put("answer", "allowed")));

        RunRecord run = runner(calls).resume(runId, format);

        assertThat(calls.calls()).extracting(FakeStepCalls.Call::jobId).containsExactly(runId + ":c:1");
        assertThat(run.steps().get("b").output().get("exitCode").asInt()).isZero();
        // the person's answer, journaled with the job's outcome, settles the step with it
        assertThat(runs().read(runId).steps().get("b").consent().path("answer").asText())
                .isEqualTo("allowed");
        assertThat(run.status()).isEqualTo("succeeded");
    }

    @Test
    void resumedRunRunsAnAttemptWhoseJobNeverBegan() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        String runId = crashedRun(calls);

        RunRecord run = runner(calls).resume(runId, format);

        assertThat(calls.calls()).extracting(FakeStepCalls.Call::jobId).containsExactly(runId + ":b:1", runId + ":c:1");
        assertThat(run.status()).isEqualTo("succeeded");
    }

    @Test
    void stoppedRunnerStartsNoAttemptAndTheRunStaysResumable() throws Exception {
        FakeStepCalls calls = new FakeStepCalls(clock, FakeStepCalls.succeed(), Set.of());
        GraphRunner runner = runner(calls);
        runner.stop();
        RunRecord run = runner.run(format.parse(CHAIN, "g.json"), mapper.readTree(CHAIN), mapper.createObjectNode());

        assertThat(run.ended()).isFalse();
        assertThat(run.steps().get("a").state()).isEqualTo(StepState.PENDING);
        RunRecord resumed = runner(calls).resume(run.runId(), format);
        assertThat(resumed.status()).isEqualTo("succeeded");
        assertThat(calls.calls()).hasSize(3);
    }
}
