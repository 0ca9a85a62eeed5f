package io.enginex.edge.common.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class GraphFormatTest {
    private final GraphFormat format = new GraphFormat(new ObjectMapper());

    @Test
    void validGraphIsReadInDependencyOrderKeepingTheFileOrderOtherwise() {
        Graph graph = format.parse("""
                {"version":1,"name":"nightly","steps":[
                  {"id":"report","tool":"fs.write","dependsOn":["list"],
                   "args":{"path":"out.txt","content":"${steps.list.output.entries}"},
                   "when":"steps.list.output.count > 0","timeoutSeconds":30,
                   "retry":{"maxAttempts":3,"initialDelayMillis":100}},
                  {"id":"info","tool":"sys.info"},
                  {"id":"list","tool":"fs.list","args":{"path":"${input.folder}"}}
                ]}""", "g.json");

        assertThat(graph.name()).isEqualTo("nightly");
        assertThat(graph.steps()).extracting(Step::id).containsExactly("info", "list", "report");
        Step report = graph.step("report").orElseThrow();
        assertThat(report.timeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(report.retry().maxAttempts()).isEqualTo(3);
        assertThat(report.retry().delayAfter(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(report.retry().delayAfter(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(report.when()).isPresent();
        assertThat(graph.step("info").orElseThrow().timeout()).isEqualTo(Step.DEFAULT_TIMEOUT);
    }

    @Test
    void schemaErrorsNameTheLineAndThePointer() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping"},
                  {"id":"b",
                   "tol":"sys.ping"}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .isInstanceOf(GraphException.class)
                .satisfies(e -> assertThat(((GraphException) e).problems())
                        .anySatisfy(p ->
                                assertThat(p).startsWith("g.json:4: /steps/1: ").contains("tol"))
                        .anySatisfy(p ->
                                assertThat(p).startsWith("g.json:3: /steps/1: ").contains("tool")));
    }

    @Test
    void aModelStepCallsTheModelToolWithItsObjectAsArguments() {
        Graph graph = format.parse("""
                {"version":1,"name":"g","steps":[
                  {"id":"ask","model":{"endpoint":"http://127.0.0.1:8080/v1","model":"m","key":"llm",
                   "messages":[{"role":"user","content":"${input.q}"}]}}
                ]}""", "g.json");

        Step ask = graph.step("ask").orElseThrow();
        assertThat(ask.tool()).isEqualTo(Step.MODEL_TOOL);
        assertThat(ask.args().path("key").asText()).isEqualTo("llm");
        assertThat(ask.args().path("messages").path(0).path("content").asText()).isEqualTo("${input.q}");
    }

    @Test
    void aModelStepsProblemsNameTheLine() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","model":{"model":"m","messages":[{"role":"user","content":"hi"}]}},
                  {"id":"b","model":{"endpoint":"http://h:1/v1","model":"m","messages":[{"role":"user","content":"x"}],
                   "apiKey":"sk-123"}},
                  {"id":"c"}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .isInstanceOf(GraphException.class)
                .satisfies(e -> assertThat(((GraphException) e).problems())
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("g.json:2: /steps/0/model: ")
                                .contains("endpoint"))
                        .anySatisfy(p -> assertThat(p)
                                .startsWith("g.json:4: /steps/1/model: ")
                                .contains("apiKey"))
                        .anySatisfy(p ->
                                assertThat(p).startsWith("g.json:5: /steps/2: ").contains("tool")));

        assertThatThrownBy(() -> format.parse("""
                        {"version":1,"name":"g","steps":[
                          {"id":"a","model":{"endpoint":"http://h:1/v1","model":"m","messages":[{"role":"user","content":"x"}]},
                           "tool":"sys.ping"}
                        ]}""", "g.json"))
                .isInstanceOf(GraphException.class)
                .satisfies(e -> assertThat(((GraphException) e).problems())
                        .containsExactly("g.json:3: /steps/0/tool: a step with \"model\" calls the model endpoint (the"
                                + " tool model.chat); remove \"tool\", or remove \"model\" to call a tool"));
    }

    @Test
    void wrongTypesAndBadIdsArePointedAt() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"1bad","tool":"sys.ping","timeoutSeconds":"10"}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .isInstanceOf(GraphException.class)
                .satisfies(e -> assertThat(((GraphException) e).problems())
                        .anySatisfy(p -> assertThat(p).startsWith("g.json:2: /steps/0/id: "))
                        .anySatisfy(p -> assertThat(p).startsWith("g.json:2: /steps/0/timeoutSeconds: ")));
    }

    @Test
    void aScheduleIsReadAndABadCronOrZoneIsPointedAt() {
        Graph scheduled = format.parse("""
                {"version":1,"name":"g","schedule":{"cron":"30 2 * * 1-5","timeZone":"Europe/Berlin"},
                 "steps":[{"id":"a","tool":"sys.ping"}]}""", "g.json");
        Graph plain = format.parse("{\"version\":1,\"name\":\"g\",\"steps\":[{\"id\":\"a\",\"tool\":\"x\"}]}", "g");
        String badCron = """
                {"version":1,"name":"g","steps":[{"id":"a","tool":"sys.ping"}],
                 "schedule":{"cron":"61 2 * * *"}}""";
        String badZone = """
                {"version":1,"name":"g","steps":[{"id":"a","tool":"sys.ping"}],
                 "schedule":{"cron":"0 2 * * *","timeZone":"Mars/Olympus"}}""";

        assertThat(scheduled.schedule()).hasValueSatisfying(s -> {
            assertThat(s.cron()).isEqualTo("30 2 * * 1-5");
            assertThat(s.zone()).hasToString("Europe/Berlin");
        });
        assertThat(plain.schedule()).isEmpty();
        assertThatThrownBy(() -> format.parse(badCron, "g.json"))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("g.json:2: /schedule: \"61 2 * * *\" is not a cron expression");
        assertThatThrownBy(() -> format.parse(badZone, "g.json"))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("g.json:2: /schedule: unknown time zone \"Mars/Olympus\"");
    }

    @Test
    void aSixFieldCronCountsSecondsFirst() {
        Graph everyTenSeconds = format.parse("""
                {"version":1,"name":"g","schedule":{"cron":"*/10 * * * * *"},
                 "steps":[{"id":"a","tool":"sys.ping"}]}""", "g.json");
        Graph everyTenMinutes = format.parse("""
                {"version":1,"name":"g","schedule":{"cron":"*/10 * * * *"},
                 "steps":[{"id":"a","tool":"sys.ping"}]}""", "g.json");
        String badSeconds = """
                {"version":1,"name":"g","steps":[{"id":"a","tool":"sys.ping"}],
                 "schedule":{"cron":"75 * * * * *"}}""";
        Instant before = Instant.parse("2026-03-29T00:59:55Z");
        Instant hour = Instant.parse("2026-03-29T01:00:00Z");

        Schedule seconds = everyTenSeconds.schedule().orElseThrow();
        assertThat(seconds.next(before)).contains(hour);
        assertThat(seconds.next(hour)).contains(Instant.parse("2026-03-29T01:00:10Z"));
        Schedule minutes = everyTenMinutes.schedule().orElseThrow();
        assertThat(minutes.next(before)).contains(hour);
        assertThat(minutes.next(hour)).contains(Instant.parse("2026-03-29T01:10:00Z"));
        assertThatThrownBy(() -> format.parse(badSeconds, "g.json"))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("g.json:2: /schedule: \"75 * * * * *\" is not a cron expression")
                .hasMessageContaining("six with seconds first");
    }

    @Test
    void brokenJsonNamesTheLine() {
        assertThatThrownBy(() -> format.parse("{\"version\":1,\n\"name\":\"g\",\n\"steps\":[}", "g.json"))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("g.json:3: not JSON");
    }

    @Test
    void cycleIsNamedStepByStep() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"start","tool":"sys.ping"},
                  {"id":"a","tool":"sys.ping","dependsOn":["start","c"]},
                  {"id":"b","tool":"sys.ping","dependsOn":["a"]},
                  {"id":"c","tool":"sys.ping","dependsOn":["b"]}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .isInstanceOf(GraphException.class)
                .hasMessageContaining("the steps form a cycle: ")
                .hasMessageMatching("(?s).*(a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c).*")
                .hasMessageContaining("remove one of these dependencies");
    }

    @Test
    void unknownDependencyAndSelfDependencyAreRefused() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping","dependsOn":["a"]},
                  {"id":"b","tool":"sys.ping","dependsOn":["nope"]}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .isInstanceOf(GraphException.class)
                .satisfies(e -> assertThat(((GraphException) e).problems())
                        .containsExactly(
                                "g.json:2: /steps/0/dependsOn/0: the step \"a\" depends on itself; remove it from its"
                                        + " dependsOn",
                                "g.json:3: /steps/1/dependsOn/0: the step \"b\" depends on \"nope\", which is not a"
                                        + " step of this graph; steps are: a, b"));
    }

    @Test
    void duplicateIdsAreRefused() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping"},
                  {"id":"a","tool":"sys.info"}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .hasMessageContaining("g.json:3: /steps/1/id: the step id \"a\" is used twice");
    }

    @Test
    void referenceToAStepThatIsNotADependencyNamesTheFix() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping"},
                  {"id":"b","tool":"fs.read","args":{"path":"${steps.a.output.path}"}},
                  {"id":"c","tool":"sys.ping","when":"steps.ghost.output.ok"}
                ]}""";

        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .isInstanceOf(GraphException.class)
                .satisfies(e -> assertThat(((GraphException) e).problems())
                        .containsExactly(
                                "g.json:3: /steps/1/args/path: the step \"b\" reads the output of \"a\" but does not"
                                        + " depend on it; add \"a\" to its dependsOn",
                                "g.json:4: /steps/2/when: the step \"c\" reads the output of \"ghost\", which is not a"
                                        + " step of this graph"));
    }

    @Test
    void transitiveDependencyIsEnoughToReadAnOutput() {
        Graph graph = format.parse("""
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping"},
                  {"id":"b","tool":"sys.ping","dependsOn":["a"]},
                  {"id":"c","tool":"sys.ping","dependsOn":["b"],"when":"steps.a.output.ok == true"}
                ]}""", "g.json");

        assertThat(graph.steps()).hasSize(3);
    }

    @Test
    void malformedReferenceAndConditionSayWhere() {
        String text = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping","args":{"x":"${env.HOME}"}}
                ]}""";
        assertThatThrownBy(() -> format.parse(text, "g.json"))
                .hasMessageContaining("g.json:2: /steps/0/args/x: bad reference \"env.HOME\"");

        String condition = """
                {"version":1,"name":"g","steps":[
                  {"id":"a","tool":"sys.ping",
                   "when":"input.x == "}
                ]}""";
        assertThatThrownBy(() -> format.parse(condition, "g.json"))
                .hasMessageContaining(
                        "g.json:3: /steps/0/when: condition \"input.x == \", at character 12: expected" + " a value");
    }
}
