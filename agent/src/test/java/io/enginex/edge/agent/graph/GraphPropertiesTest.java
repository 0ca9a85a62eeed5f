package io.enginex.edge.agent.graph;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.journal.JobOutcome;
import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.agent.testing.FakeStepCalls;
import io.enginex.edge.agent.testing.RecordingSleeper;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.ErrorCodes;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Properties of the runner over random DAGs (random dependencies, file order, conditions, failures and
 * retries), on plain JUnit with a seeded generator: each run draws a new seed, a failure names it, and
 * {@code -Dgraph.seed=N} replays it.
 */
class GraphPropertiesTest {
    private static final int GRAPHS = 300;

    private final ObjectMapper mapper = new ObjectMapper();
    private final GraphFormat format = new GraphFormat(mapper);

    @TempDir
    Path temp;

    /** One generated case: the graph, its input, how often each step fails, and the expected states. */
    private record Case(
            ObjectNode document,
            ObjectNode input,
            Map<String, Integer> failures,
            Map<String, StepState> expected,
            Map<String, Boolean> approvals) {}

    /** Fewer than {@link #GRAPHS}: each graph with approvals is driven several times (restarts). */
    private static final int APPROVAL_GRAPHS = 40;

    @Test
    void everyStepRunsAfterItsDependenciesAndSettlesExactlyOnce() throws Exception {
        long seed = Long.getLong("graph.seed", new Random().nextLong());
        Random random = new Random(seed);
        for (int i = 0; i < GRAPHS; i++) {
            Case c = generate(random, false);
            String context = "seed " + seed + ", graph " + i + ": " + c.document();
            check(c, context);
        }
    }

    /**
     * With approval steps: the first drive never calls a step that needs approval nor any step after one,
     * and the run ends only when nothing waits; each later drive (a new runner over the same files, as a
     * restarted agent) after deciding what waits goes on; in the end each step's state follows from
     * the rules with denied steps failed, approved steps ran as approved jobs, and no job ran twice.
     */
    @Test
    void approvalStepsWaitAcrossRestartsAndSettleByTheirDecisions() throws Exception {
        long seed = Long.getLong("graph.seed", new Random().nextLong());
        Random random = new Random(seed);
        for (int i = 0; i < APPROVAL_GRAPHS; i++) {
            Case c = generate(random, true);
            String context = "seed " + seed + ", approval graph " + i + ": " + c.document();
            checkApprovals(c, context);
        }
    }

    private void checkApprovals(Case c, String context) throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
        // one fake for every drive: it is the job journal, which survives a restart
        FakeStepCalls calls = new FakeStepCalls(
                clock,
                (step, attempt, args, at) -> attempt <= c.failures().get(step)
                        ? JobOutcome.failure(ErrorCodes.TOOL_FAILED, "scripted", at.instant(), at.instant())
                        : FakeStepCalls.succeed().answer(step, attempt, args, at),
                Set.of());
        Path dir = temp.resolve("approval-runs");
        java.util.function.Supplier<GraphRunner> restart = () -> new GraphRunner(new GraphRunner.Parts(
                calls, new RunJournal(dir, mapper, clock), new RecordingSleeper(clock), RunListener.NONE));
        RunRecord run =
                restart.get().run(format.parse(c.document().toString(), "random.json"), c.document(), c.input());
        List<JsonStep> steps = steps(c.document());
        Set<String> held = new java.util.HashSet<>();
        for (JsonStep step : topological(steps)) {
            if (run.steps().get(step.id()).state() == StepState.AWAITING_APPROVAL
                    || step.dependsOn().stream().anyMatch(held::contains)) {
                held.add(step.id());
            }
        }
        assertThat(calls.calls())
                .as(context + " nothing held or needing approval ran before a decision")
                .noneMatch(m -> held.contains(m.step()) || c.approvals().containsKey(m.step()));
        assertThat(run.ended()).as(context).isEqualTo(held.isEmpty());

        for (int drive = 0; !run.ended(); drive++) {
            assertThat(drive).as(context + " drives").isLessThan(c.approvals().size() + 1);
            GraphRunner runner = restart.get();
            for (StepRecord waiting : run.steps().values()) {
                if (waiting.state() == StepState.AWAITING_APPROVAL) {
                    boolean approve = c.approvals().get(waiting.step());
                    runner.decide(
                            run.runId(),
                            waiting.step(),
                            new StepApprovals.Decision(approve, "approver", approve ? null : "no"));
                }
            }
            run = runner.resume(run.runId(), format);
        }
        for (JsonStep step : steps) {
            assertThat(run.steps().get(step.id()).state())
                    .as(context + " state of " + step.id())
                    .isEqualTo(c.expected().get(step.id()));
            assertThat(calls.calls().stream()
                            .filter(m -> m.step().equals(step.id()))
                            .count())
                    .as(context + " attempts of " + step.id())
                    .isEqualTo(expectedAttempts(c, step.id()));
        }
        for (FakeStepCalls.Call call : calls.calls()) {
            assertThat(calls.approvedBy(call.jobId()))
                    .as(context + " approver of " + call.jobId())
                    .isEqualTo(c.approvals().containsKey(call.step()) ? "approver" : null);
        }
    }

    /** {@code steps} in an order where each comes after the steps it depends on. */
    private static List<JsonStep> topological(List<JsonStep> steps) {
        List<JsonStep> sorted = new ArrayList<>(steps);
        sorted.sort(java.util.Comparator.comparingInt(s -> Integer.parseInt(s.id().substring(1))));
        return sorted; // generated ids are numbered in a dependency order
    }

    private void check(Case c, String context) throws Exception {
        FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
        FakeStepCalls calls = new FakeStepCalls(
                clock,
                (step, attempt, args, at) -> attempt <= c.failures().get(step)
                        ? JobOutcome.failure(ErrorCodes.TOOL_FAILED, "scripted", at.instant(), at.instant())
                        : FakeStepCalls.succeed().answer(step, attempt, args, at),
                Set.of());
        RunJournal runs = new RunJournal(temp.resolve("runs"), mapper, clock);
        RunRecord run = new GraphRunner(
                        new GraphRunner.Parts(calls, runs, new RecordingSleeper(clock), RunListener.NONE))
                .run(format.parse(c.document().toString(), "random.json"), c.document(), c.input());

        Map<String, Integer> lastCall = new HashMap<>();
        Map<String, Integer> firstCall = new HashMap<>();
        List<FakeStepCalls.Call> made = calls.calls();
        for (int n = 0; n < made.size(); n++) {
            firstCall.putIfAbsent(made.get(n).step(), n);
            lastCall.put(made.get(n).step(), n);
        }
        for (JsonStep step : steps(c.document())) {
            StepRecord record = run.steps().get(step.id());
            assertThat(record.state())
                    .as(context + " state of " + step.id())
                    .isEqualTo(c.expected().get(step.id()));
            long attempts =
                    made.stream().filter(m -> m.step().equals(step.id())).count();
            assertThat(attempts).as(context + " attempts of " + step.id()).isEqualTo(expectedAttempts(c, step.id()));
            if (firstCall.containsKey(step.id())) {
                for (String dep : step.dependsOn()) {
                    assertThat(lastCall.get(dep))
                            .as(context + " " + dep + " before " + step.id())
                            .isNotNull()
                            .isLessThan(firstCall.get(step.id()));
                }
            }
        }
        assertThat(made.stream().map(FakeStepCalls.Call::jobId).distinct().count())
                .as(context)
                .isEqualTo(made.size());
        assertThat(run.ended()).as(context).isTrue();
    }

    private static long expectedAttempts(Case c, String id) {
        StepState state = c.expected().get(id);
        if (state == StepState.SKIPPED || Boolean.FALSE.equals(c.approvals().get(id))) {
            return 0;
        }
        return state == StepState.SUCCEEDED ? c.failures().get(id) + 1 : MAX_ATTEMPTS;
    }

    private static final int MAX_ATTEMPTS = 3;

    private record JsonStep(String id, List<String> dependsOn) {}

    private static List<JsonStep> steps(ObjectNode document) {
        List<JsonStep> steps = new ArrayList<>();
        document.get("steps").forEach(s -> {
            List<String> deps = new ArrayList<>();
            s.path("dependsOn").forEach(d -> deps.add(d.asText()));
            steps.add(new JsonStep(s.get("id").asText(), deps));
        });
        return steps;
    }

    /** Steps made in a topological order (each depends only on earlier ones), then written in a shuffled order. */
    private Case generate(Random random, boolean withApprovals) {
        int size = 1 + random.nextInt(20);
        Map<String, Boolean> approvals = new HashMap<>();
        ObjectNode input = mapper.createObjectNode();
        Map<String, Integer> failures = new HashMap<>();
        Map<String, StepState> expected = new HashMap<>();
        List<ObjectNode> steps = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            String id = "s" + i;
            ObjectNode step = mapper.createObjectNode().put("id", id).put("tool", "sys.ping");
            ArrayNode deps = mapper.createArrayNode();
            for (int d = 0; d < i; d++) {
                if (random.nextInt(4) == 0) {
                    deps.add("s" + d);
                }
            }
            if (!deps.isEmpty()) {
                step.set("dependsOn", deps);
            }
            boolean gated = random.nextInt(4) == 0;
            boolean open = random.nextBoolean();
            if (gated) {
                step.put("when", "input." + id + " == true");
                input.put(id, open);
            }
            int fail = random.nextInt(5) == 0 ? 1 + random.nextInt(MAX_ATTEMPTS) : 0;
            failures.put(id, fail);
            step.putObject("retry").put("maxAttempts", MAX_ATTEMPTS).put("initialDelayMillis", 1 + random.nextInt(50));
            boolean depsOk = true;
            for (var dep : deps) {
                depsOk &= expected.get(dep.asText()) == StepState.SUCCEEDED;
            }
            if (withApprovals && random.nextInt(4) == 0) {
                step.putObject("approval").put("reason", "check " + id);
                approvals.put(id, random.nextBoolean());
            }
            StepState state = !depsOk || (gated && !open)
                    ? StepState.SKIPPED
                    : Boolean.FALSE.equals(approvals.get(id))
                            ? StepState.FAILED
                            : fail < MAX_ATTEMPTS ? StepState.SUCCEEDED : StepState.FAILED;
            expected.put(id, state);
            steps.add(step);
        }
        Collections.shuffle(steps, random);
        ObjectNode document = mapper.createObjectNode().put("version", 1).put("name", "random");
        steps.forEach(document.putArray("steps")::add);
        return new Case(document, input, failures, expected, approvals);
    }
}
