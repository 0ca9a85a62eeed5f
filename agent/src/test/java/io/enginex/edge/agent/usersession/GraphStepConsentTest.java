package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.agent.graph.GraphSync;
import io.enginex.edge.agent.graph.RunListener;
import io.enginex.edge.agent.graph.RunRecord;
import io.enginex.edge.agent.graph.StepRecord;
import io.enginex.edge.agent.graph.StepState;
import io.enginex.edge.agent.runtime.LocalGraphs;
import io.enginex.edge.agent.runtime.PolicySetup;
import io.enginex.edge.agent.tools.PluginTools;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Graph steps whose tool the machine policy marks {@code consentRequired}, or whose tool uses a vault
 * secret the tenant defined {@code use: consent}, run by the graph runner the service builds ({@link
 * LocalGraphs} with the service's {@link SessionConsent}) over a real {@link ConsentDesk} and a real
 * local channel whose far end is a scripted session part; and by {@code graph run} without the
 * service, which has nobody to ask.
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
    /** What the HTTP server behind a secret-using step was sent as Authorization. */
    private final List<String> delivered = new CopyOnWriteArrayList<>();

    private HttpServer server;

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
        if (server != null) {
            server.stop(0);
        }
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

    private RunRecord run(SessionConsent consent) {
        return run(consent, GRAPH);
    }

    /** Runs {@code graph} as the service does ({@code consent} asks), or as {@code graph run} (null). */
    private RunRecord run(SessionConsent consent, String graph) {
        try (LocalGraphs graphs = consent == null
                ? new LocalGraphs(machine, temp.resolve("state"), PluginTools.Loaded.NONE, RunListener.NONE, mapper)
                : new LocalGraphs(
                        machine,
                        temp.resolve("state"),
                        PluginTools.Loaded.NONE,
                        RunListener.NONE,
                        mapper,
                        consent,
                        consent)) {
            RunRecord run = graphs.runner()
                    .run(new GraphFormat(mapper).parse(graph, "g.json"), mapper.readTree(graph), mapper.readTree("{}"));
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

    private static final String VALUE = "Bearer v4lue-9c1e77d2";

    /**
     * A step whose {@code http.request} sends the vault secret {@code api-token}, defined {@code use:
     * consent} by the tenant, to a server on loopback that records and echoes it (retry allows 3);
     * the machine policy grants the secret and marks no tool {@code consentRequired}, so only the
     * secret asks.
     */
    private String secretGraph() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", ex -> {
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            delivered.add(auth);
            byte[] body = ("you sent: " + auth).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
        int port = server.getAddress().getPort();
        Path share = temp.resolve("share").toRealPath();
        Path file = temp.resolve("secret-policy.json");
        Files.writeString(file, """
                {"version":1,"roots":[{"path":"%s","mode":"read"}],"tools":["http.request","fs.list"],
                 "network":["127.0.0.1:%d"],"secrets":{"http.request":["api-token"]}}
                """.formatted(share, port));
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        machine = PolicySetup.machine(file, share, mapper);
        Path state = temp.resolve("state");
        new Vault(state, KeyStores.forThisMachine(state), clock, new SecureRandom(), mapper, n -> {})
                .setFromHub("api-token", VALUE, null, "consent");
        return """
                {"version":1,"name":"billing","steps":[
                  {"id":"call","tool":"http.request",
                   "args":{"url":"http://127.0.0.1:%d/bill","headers":{"Authorization":"secret:api-token"}},
                   "retry":{"maxAttempts":3,"initialDelayMillis":1}},
                  {"id":"after","tool":"fs.list","dependsOn":["call"],"args":{"path":"."}}
                ]}""".formatted(port);
    }

    /** Every file under the state folder, the upload frame and every log event, as text. */
    private String everythingKept(RunRecord run, List<ILoggingEvent> logged) throws IOException {
        StringBuilder all = new StringBuilder();
        try (var files = Files.walk(temp.resolve("state"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                all.append(f).append(": ").append(new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
            }
        }
        all.append(new MessageCodec()
                .mapper()
                .writeValueAsString(new GraphSync(
                                new io.enginex.edge.agent.graph.RunJournal(
                                        temp.resolve("state")
                                                .resolve(LocalGraphs.DIR)
                                                .resolve("runs"),
                                        mapper,
                                        clock),
                                temp.resolve("synced-all.jsonl"),
                                mapper)
                        .next("a-all")
                        .orElseThrow()));
        for (ILoggingEvent event : logged) {
            all.append(event.getFormattedMessage())
                    .append(event.getKeyValuePairs())
                    .append(
                            event.getThrowableProxy() == null
                                    ? ""
                                    : event.getThrowableProxy().getMessage());
        }
        assertThat(all.toString()).as("what the run kept").contains(run.runId());
        return all.toString();
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        root.addAppender(logged);
        return logged;
    }

    private static void stopCapturing(ListAppender<ILoggingEvent> logged) {
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logged);
    }

    @Test
    void anAllowForAConsentSecretRunsTheStepWithItsValueDeliveredOnlyToTheTool() throws IOException {
        String graph = secretGraph();
        signIn("allowed");
        ListAppender<ILoggingEvent> logged = captureLogs();
        RunRecord run;
        try {
            run = run(new SessionConsent(registry, desk, clock), graph);
        } finally {
            stopCapturing(logged);
        }

        assertThat(run.status()).isEqualTo("succeeded");
        assertThat(delivered).as("the tool sent the value, once").containsExactly(VALUE);
        StepRecord call = run.steps().get("call");
        assertThat(call.output().path("body").asText()).isEqualTo("you sent: [secret:api-token]");
        JsonNode consent = call.consent();
        assertThat(consent.path("answer").asText()).isEqualTo("allowed");
        assertThat(consent.path("answeredBy").asText()).isEqualTo("alice");
        assertThat(consent.path("user").asText()).isEqualTo("alice");
        assertThat(consent.path("via").asText()).isEqualTo("dialog");
        assertThat(consent.path("tool").asText()).isEqualTo("http.request");
        assertThat(consent.path("request").asText()).isNotBlank();
        assertThat(consent.path("askedAt").asText()).isNotBlank();
        assertThat(consent.path("answeredAt").asText()).isNotBlank();
        assertThat(consent.path("shown").asText())
                .isEqualTo("job " + run.runId() + ":call:1 wants http.request to use the secret api-token, asked by"
                        + " graph billing (run " + run.runId() + ", step call)");
        assertThat(consent.path("requestedBy").asText())
                .isEqualTo("graph billing (run " + run.runId() + ", step call)");
        assertThat(asked).containsExactly(run.runId() + ":call:1");
        assertThat(uploaded(run, "call").consent()).isEqualTo(consent);
        assertThat(Files.readString(
                        temp.resolve("state").resolve(LocalGraphs.DIR).resolve("journal.jsonl")))
                .as("the graph job journal keeps the answer with the outcome")
                .contains(consent.path("request").asText());
        assertThat(logged.list)
                .as("the log of the run was captured")
                .anySatisfy(
                        e -> assertThat(String.valueOf(e.getKeyValuePairs())).contains(run.runId() + ":call:1"));
        String kept = everythingKept(run, logged.list);
        assertThat(kept)
                .as("the run file, the job journal, the audit log, the vault, the upload and the log")
                .contains("[secret:api-token]")
                .doesNotContain(VALUE)
                .doesNotContain("v4lue-9c1e77d2");
    }

    @Test
    void aDenyForAConsentSecretFailsTheStepOnceThoughItsRetryAllowsMore() throws IOException {
        String graph = secretGraph();
        signIn("denied");

        RunRecord run = run(new SessionConsent(registry, desk, clock), graph);

        StepRecord call = run.steps().get("call");
        assertThat(call.state()).isEqualTo(StepState.FAILED);
        assertThat(call.error().code()).isEqualTo(ErrorCodes.CONSENT_DENIED);
        assertThat(call.error().message()).contains("api-token", "denied by alice (dialog)");
        assertThat(call.attempts()).isEqualTo(1); // its retry allows 3: a Deny is not asked again
        assertThat(call.consent().path("answer").asText()).isEqualTo("denied");
        assertThat(call.consent().path("answeredBy").asText()).isEqualTo("alice");
        assertThat(delivered).as("the value never left the machine").isEmpty();
        assertThat(asked).containsExactly(run.runId() + ":call:1");
        assertThat(run.steps().get("after").state()).isEqualTo(StepState.SKIPPED);
        assertThat(uploaded(run, "call").consent()).isEqualTo(call.consent());
        assertThat(everythingKept(run, List.of())).doesNotContain("v4lue-9c1e77d2");
    }

    @Test
    void nobodySignedInFailsAConsentSecretsStepOnceAsNoUserSession() throws IOException {
        String graph = secretGraph();

        RunRecord run = run(new SessionConsent(registry, desk, clock), graph);

        StepRecord call = run.steps().get("call");
        assertThat(call.error().code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
        assertThat(call.error().message()).contains("api-token", "nobody is signed in");
        assertThat(call.attempts()).isEqualTo(1);
        assertThat(call.consent()).isNull();
        assertThat(delivered).isEmpty();
        assertThat(run.status()).isEqualTo("failed");
    }

    @Test
    void graphRunWithoutTheServiceRefusesAConsentSecretNamingTheWayThatCanAsk() throws IOException {
        String graph = secretGraph();
        signIn("allowed"); // someone is there, but graph run has no way to ask them

        RunRecord run = run(null, graph);

        StepRecord call = run.steps().get("call");
        assertThat(call.error().code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
        assertThat(call.error().message()).contains("api-token", "use: consent", "graph start", "running agent");
        assertThat(call.attempts()).isEqualTo(1);
        assertThat(delivered).isEmpty();
        assertThat(asked).isEmpty();
    }
}
