package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.graph.GraphSync;
import io.enginex.edge.agent.graph.RunListener;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.agent.graph.StepRecord;
import io.enginex.edge.agent.graph.StepState;
import io.enginex.edge.agent.runtime.LocalGraphs;
import io.enginex.edge.agent.runtime.PolicySetup;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.tools.ToolConsent;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.GraphRuns;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph steps whose tool the machine policy marks {@code consentRequired}, run by the graph runner the
 * service builds ({@link LocalGraphs} with the service's {@link SessionConsent}) over a real {@link
 * ConsentDesk} and a real local channel whose far end is a scripted session part; and by {@code graph
 * run} without the service, which has nobody to ask.
 */
@Timeout(60)
class GraphStepConsentTest {
    private static final String GRAPH = """
            {"version":1,"name":"consented","steps":[
              {"id":"list","tool":"fs.list","args":{"path":"."},
               "retry":{"maxAttempts":3,"initialDelayMillis":1}},
              {"id":"after","tool":"fs.list","dependsOn":["list"],"args":{"path":"."}}
            ]}""";

    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Clock clock = Clock.systemUTC();
    private final SessionRegistry registry = new SessionRegistry(clock);
    private final ConsentDesk desk = new ConsentDesk(clock, ConsentDesk.Listener.NONE);
    private final List<String> asked = new CopyOnWriteArrayList<>();
    private ScriptedSessionPart far;
    private PolicySetup.Machine machine;

    @BeforeEach
    void policy() throws IOException {
        Path share = Files.createDirectories(temp.resolve("share"));
        Files.writeString(share.resolve("report.txt"), "x");
        Path file = temp.resolve("policy.json");
        Files.writeString(file, """
                {"version":1,"roots":[{"path":"%s","mode":"read"}],"tools":["fs.list"],
                 "consentRequired":["fs.list"]}
                """.formatted(share.toRealPath()));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        machine = PolicySetup.machine(file, share, mapper);
    }

    @AfterEach
    void close() throws IOException {
        registry.closeAll();
        if (far != null) {
            far.close();
        }
    }

    /** Connects alice's session part, whose dialog answers {@code answer} ({@code allowed}, {@code denied}). */
    private void signIn(String answer) throws IOException {
        far = ScriptedSessionPart.connect(
                temp.resolve("c.sock"),
                registry,
                clock,
                mapper,
                call -> {
                    if (call.path("action").asText().equals("consent")) {
                        asked.add(call.path("args").path("jobId").asText());
                    }
                },
                // consent-close of a dialog that answered: nothing to say
                (action, args) ->
                        action.equals("consent") ? mapper.createObjectNode().put("answer", answer) : null);
    }

    private RunRecord run(ToolConsent consent) {
        try (LocalGraphs graphs = consent == null
                ? new LocalGraphs(machine, temp.resolve("state"), PluginTools.Loaded.NONE, RunListener.NONE, mapper)
                : new LocalGraphs(
                        machine, temp.resolve("state"), PluginTools.Loaded.NONE, RunListener.NONE, mapper, consent)) {
            RunRecord run = graphs.runner()
                    .run(new GraphFormat(mapper).parse(GRAPH, "g.json"), mapper.readTree(GRAPH), mapper.readTree("{}"));
            // as the run file says, which is what the upload reads
            return graphs.runs().read(run.runId());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private GraphRuns.Step uploaded(RunRecord run, String step) {
        GraphSync sync = new GraphSync(
                new io.enginex.edge.agent.graph.RunJournal(
                        temp.resolve("state").resolve(LocalGraphs.DIR).resolve("runs"), mapper, clock),
                temp.resolve("synced.jsonl"),
                mapper);
        return sync.next("a-1").orElseThrow().runs().get(0).steps().stream()
                .filter(s -> s.step().equals(step))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void anAllowInTheDialogRunsTheStepAndItsRecordAndUploadCarryTheEvidence() throws IOException {
        signIn("allowed");

        RunRecord run = run(new SessionConsent(registry, desk, clock));

        assertThat(run.status()).isEqualTo("succeeded");
        StepRecord list = run.steps().get("list");
        assertThat(list.output().toString()).contains("report.txt");
        assertThat(list.consent().path("answer").asText()).isEqualTo("allowed");
        assertThat(list.consent().path("answeredBy").asText()).isEqualTo("alice");
        assertThat(list.consent().path("via").asText()).isEqualTo("dialog");
        assertThat(list.consent().path("tool").asText()).isEqualTo("fs.list");
        assertThat(list.consent().path("shown").asText()).contains("\"path\"");
        assertThat(list.consent().path("requestedBy").asText())
                .as("the person is told which graph run asks")
                .isEqualTo("graph " + run.graphName() + " (run " + run.runId() + ", step list)");
        // each step asks for its own call
        assertThat(asked).containsExactly(run.runId() + ":list:1", run.runId() + ":after:1");
        GraphRuns.Step sent = uploaded(run, "list");
        assertThat(sent.consent()).isEqualTo(list.consent());
    }

    @Test
    void aDenyFailsTheStepOnceWithoutRetryingOrRunningTheTool() throws IOException {
        signIn("denied");

        RunRecord run = run(new SessionConsent(registry, desk, clock));

        StepRecord list = run.steps().get("list");
        assertThat(list.state()).isEqualTo(StepState.FAILED);
        assertThat(list.error().code()).isEqualTo(ErrorCodes.CONSENT_DENIED);
        assertThat(list.attempts()).isEqualTo(1); // its retry allows 3: a Deny is not asked again
        assertThat(list.output()).isNull();
        assertThat(list.consent().path("answer").asText()).isEqualTo("denied");
        assertThat(asked).containsExactly(run.runId() + ":list:1");
        assertThat(run.steps().get("after").state()).isEqualTo(StepState.SKIPPED);
        assertThat(uploaded(run, "list").consent().path("answeredBy").asText()).isEqualTo("alice");
    }

    @Test
    void nobodySignedInFailsTheStepOnceAsNoUserSession() {
        RunRecord run = run(new SessionConsent(registry, desk, clock));

        StepRecord list = run.steps().get("list");
        assertThat(list.error().code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
        assertThat(list.attempts()).isEqualTo(1);
        assertThat(list.consent()).isNull();
        assertThat(run.status()).isEqualTo("failed");
    }

    @Test
    void graphRunWithoutTheServiceRefusesTheStepNamingTheWayThatCanAsk() {
        RunRecord run = run(null);

        StepRecord list = run.steps().get("list");
        assertThat(list.state()).isEqualTo(StepState.FAILED);
        assertThat(list.error().code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
        assertThat(list.error().message()).contains("consentRequired", "graph start", "running agent");
        assertThat(list.attempts()).isEqualTo(1);
        assertThat(list.output()).isNull();
    }
}
