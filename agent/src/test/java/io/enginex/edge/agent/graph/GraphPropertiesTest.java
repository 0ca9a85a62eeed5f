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
            ObjectNode document, ObjectNode input, Map<String, Integer> failures, Map<String, StepState> expected) {}

    @Test
    void everyStepRunsAfterItsDependenciesAndSettlesExactlyOnce() throws Exception {
        long seed = Long.getLong("graph.seed", new Random().nextLong());
        Random random = new Random(seed);
        for (int i = 0; i < GRAPHS; i++) {
            Case c = generate(random);
            String context = "seed " + seed + ", graph " + i + ": " + c.document();
            check(c, context);
        }
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
        if (state == StepState.SKIPPED) {
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
    private Case generate(Random random) {
        int size = 1 + random.nextInt(20);
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
            StepState state = !depsOk || (gated && !open)
                    ? StepState.SKIPPED
                    : fail < MAX_ATTEMPTS ? StepState.SUCCEEDED : StepState.FAILED;
            expected.put(id, state);
            steps.add(step);
        }
        Collections.shuffle(steps, random);
        ObjectNode document = mapper.createObjectNode().put("version", 1).put("name", "random");
        steps.forEach(document.putArray("steps")::add);
        return new Case(document, input, failures, expected);
    }
}
