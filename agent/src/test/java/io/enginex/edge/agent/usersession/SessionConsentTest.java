package io.enginex.edge.agent.usersession;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.tools.ToolException;
import io.enginex.edge.protocol.ErrorCodes;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SessionConsent} between the dialog and the page, over a real local channel whose far end is
 * a scripted session part (the real one, as another account, is in HomeFilesIT).
 */
@Timeout(30)
class SessionConsentTest {
    @TempDir
    Path temp;

    private final ObjectMapper mapper = new ObjectMapper();
    private final Clock clock = Clock.systemUTC();
    private final SessionRegistry registry = new SessionRegistry(clock);
    private final ConsentDesk desk = new ConsentDesk(clock, ConsentDesk.Listener.NONE);
    private final List<String> calls = new CopyOnWriteArrayList<>();
    /** The evidence each secret's request was decided with. */
    private final List<ObjectNode> secretEvidence = new CopyOnWriteArrayList<>();

    private ScriptedSessionPart far;

    @AfterEach
    void close() throws IOException {
        registry.closeAll();
        if (far != null) {
            far.close();
        }
    }

    /** Connects alice's session; {@code answer} says what the far end answers each call (null: nothing). */
    private void connect(BiFunction<String, JsonNode, JsonNode> answer) throws IOException {
        far = ScriptedSessionPart.connect(
                temp.resolve("c.sock"),
                registry,
                clock,
                mapper,
                call -> calls.add(call.path("action").asText() + " "
                        + call.path("args").path("request").asText("")),
                answer);
    }

    private CompletableFuture<Void> ask(Duration within) {
        return ask(within, null);
    }

    private CompletableFuture<Void> ask(Duration within, String requestedBy) {
        return CompletableFuture.runAsync(() -> new SessionConsent(registry, desk, clock)
                .ask(
                        "job_1",
                        "http.request",
                        "erp-token",
                        clock.instant().plus(within),
                        requestedBy,
                        secretEvidence::add));
    }

    @Test
    void anAllowInTheDialogDecidesAndThePageIsToldAlreadyAnswered() throws Exception {
        connect((action, args) -> action.equals("consent")
                ? mapper.createObjectNode().put("consented", true).put("answer", "allowed")
                : null);

        ask(Duration.ofSeconds(20)).get(20, TimeUnit.SECONDS);

        assertThat(calls).hasSize(1).first().asString().startsWith("consent ");
        String request = calls.get(0).substring("consent ".length());
        ConsentDesk.Reply page = desk.answer(request, "alice", false, "status page");
        assertThat(page.verdict()).isEqualTo(ConsentDesk.Verdict.ALREADY_ANSWERED);
        assertThat(page.answer().via()).isEqualTo("dialog");
    }

    @Test
    void aDenyOnThePageDecidesFirstAndClosesTheDialog() throws Exception {
        CompletableFuture<JsonNode> dialog = new CompletableFuture<>();
        connect((action, args) -> switch (action) {
            case "consent" -> dialog.join(); // the dialog stays up until it is closed
            case "consent-close" -> {
                dialog.complete(
                        mapper.createObjectNode().put("consented", false).put("answer", "closed"));
                yield mapper.createObjectNode().put("closed", true);
            }
            default -> null;
        });
        CompletableFuture<Void> asked = ask(Duration.ofSeconds(20));
        await().until(() -> !desk.pending().isEmpty());
        String request = desk.pending().get(0).id();

        assertThat(desk.answer(request, "alice", false, "status page").verdict())
                .isEqualTo(ConsentDesk.Verdict.ANSWERED);

        assertThatThrownBy(() -> asked.get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.CONSENT_DENIED);
                    assertThat(e.getMessage()).contains("denied by alice (status page)");
                });
        await().until(() -> calls.contains("consent-close " + request));
        // the evidence of a secret's request has the shape of a tool's, naming the secret, never its value
        assertThat(secretEvidence).singleElement().satisfies(evidence -> {
            assertThat(evidence.path("request").asText()).isEqualTo(request);
            assertThat(evidence.path("answer").asText()).isEqualTo("denied");
            assertThat(evidence.path("answeredBy").asText()).isEqualTo("alice");
            assertThat(evidence.path("via").asText()).isEqualTo("status page");
            assertThat(evidence.path("tool").asText()).isEqualTo("http.request");
            assertThat(evidence.path("shown").asText())
                    .isEqualTo("job job_1 wants http.request to use the secret erp-token");
        });
    }

    @Test
    void withNoDialogANotificationPointsToThePageAndNoAnswerIsConsentTimeout() throws Exception {
        List<String> bodies = new CopyOnWriteArrayList<>();
        connect((action, args) -> switch (action) {
            case "consent" -> mapper.createObjectNode().put("code", ErrorCodes.TOOL_FAILED);
            case "notify" -> {
                bodies.add(args.path("body").asText());
                yield mapper.createObjectNode().put("shown", true);
            }
            default -> null;
        });

        assertThatThrownBy(() -> ask(Duration.ofMillis(1500), "API key ci-bot").get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.CONSENT_TIMEOUT);
                    assertThat(e.getMessage()).contains("no answer before");
                });
        assertThat(secretEvidence).singleElement().satisfies(evidence -> {
            assertThat(evidence.path("answer").asText()).isEqualTo("timeout");
            assertThat(evidence.has("answeredBy")).isFalse();
            assertThat(evidence.path("requestedBy").asText()).isEqualTo("API key ci-bot");
        });
        await().until(() -> !bodies.isEmpty());
        assertThat(bodies.get(0)).contains("status page", "enginex-agent ui", "erp-token", "asked by API key ci-bot");
    }

    /** Asks for app.open with {@code args}; the evidence lands in {@code evidence}. */
    private CompletableFuture<Void> askTool(String args, Duration within, List<ObjectNode> evidence) {
        return askTool(args, within, null, evidence);
    }

    /** As {@link #askTool(String, Duration, List)}, for a job {@code requestedBy} asked for on the hub. */
    private CompletableFuture<Void> askTool(
            String args, Duration within, String requestedBy, List<ObjectNode> evidence) {
        return CompletableFuture.runAsync(() -> {
            try {
                new SessionConsent(registry, desk, clock)
                        .ask(
                                "job_t",
                                "app.open",
                                mapper.readTree(args),
                                clock.instant().plus(within),
                                requestedBy,
                                evidence::add);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    @Test
    void aToolCallIsShownWithItsArgumentsAndAnAllowOnThePageLetsItRunWithEvidence() throws Exception {
        List<JsonNode> dialogs = new CopyOnWriteArrayList<>();
        CompletableFuture<JsonNode> dialog = new CompletableFuture<>();
        connect((action, args) -> switch (action) {
            case "consent" -> {
                dialogs.add(args);
                yield dialog.join();
            }
            case "consent-close" -> {
                dialog.complete(
                        mapper.createObjectNode().put("consented", false).put("answer", "closed"));
                yield mapper.createObjectNode().put("closed", true);
            }
            default -> null;
        });
        List<ObjectNode> evidence = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> asked = askTool(
                "{\"url\":\"https://intranet.example.com/a\"}",
                Duration.ofSeconds(20),
                "carol@acme.example (dashboard)",
                evidence);
        await().until(() -> !desk.pending().isEmpty());
        ConsentDesk.Request request = desk.pending().get(0);
        assertThat(request.secret()).isNull();
        assertThat(request.shown())
                .contains("app.open", "https://intranet.example.com/a", "job_t")
                .endsWith(", asked by carol@acme.example (dashboard)");

        assertThat(desk.answer(request.id(), "bob", true, "status page").verdict())
                .isEqualTo(ConsentDesk.Verdict.WRONG_USER);
        assertThat(desk.answer(request.id(), "alice", true, "status page").verdict())
                .isEqualTo(ConsentDesk.Verdict.ANSWERED);

        asked.get(20, TimeUnit.SECONDS);
        assertThat(evidence).singleElement().satisfies(e -> {
            assertThat(e.path("answer").asText()).isEqualTo("allowed");
            assertThat(e.path("answeredBy").asText()).isEqualTo("alice");
            assertThat(e.path("via").asText()).isEqualTo("status page");
            assertThat(e.path("user").asText()).isEqualTo("alice");
            assertThat(e.path("shown").asText()).contains("https://intranet.example.com/a");
            assertThat(e.path("answeredAt").asText()).isNotEmpty();
            assertThat(e.path("requestedBy").asText()).isEqualTo("carol@acme.example (dashboard)");
            assertThat(e.path("shown").asText()).endsWith("asked by carol@acme.example (dashboard)");
        });
        await().until(() -> !dialogs.isEmpty());
        assertThat(dialogs.get(0).path("details").asText()).contains("https://intranet.example.com/a");
        assertThat(dialogs.get(0).path("requestedBy").asText()).isEqualTo("carol@acme.example (dashboard)");
        assertThat(dialogs.get(0).has("secret")).isFalse();
    }

    @Test
    void aDenyInTheDialogIsConsentDeniedAndNoAnswerIsConsentTimeout() throws Exception {
        connect((action, args) -> action.equals("consent")
                ? mapper.createObjectNode().put("consented", false).put("answer", "denied")
                : null);
        List<ObjectNode> evidence = new CopyOnWriteArrayList<>();

        assertThatThrownBy(() -> askTool("{}", Duration.ofSeconds(20), evidence).get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.CONSENT_DENIED);
                    assertThat(e.getMessage()).contains("denied by alice (dialog)", "not run");
                });
        assertThat(evidence).singleElement().satisfies(e -> {
            assertThat(e.path("answer").asText()).isEqualTo("denied");
            assertThat(e.path("via").asText()).isEqualTo("dialog");
            assertThat(e.has("requestedBy")).as("unknown requester: no field").isFalse();
            assertThat(e.path("shown").asText()).doesNotContain("asked by");
        });
    }

    @Test
    void noAnswerBeforeTheDeadlineIsConsentTimeout() throws Exception {
        connect((action, args) -> null); // the dialog never answers
        List<ObjectNode> evidence = new CopyOnWriteArrayList<>();

        assertThatThrownBy(
                        () -> askTool("{}", Duration.ofMillis(1500), evidence).get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(
                        ToolException.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.CONSENT_TIMEOUT));
        assertThat(evidence).singleElement().satisfies(e -> {
            assertThat(e.path("answer").asText()).isEqualTo("timeout");
            assertThat(e.has("answeredBy")).isFalse();
        });
    }

    @Test
    void withNobodySignedInOrTheNamedUserAbsentTheToolIsRefusedUnasked() throws Exception {
        List<ObjectNode> evidence = new CopyOnWriteArrayList<>();
        assertThatThrownBy(() -> askTool("{}", Duration.ofSeconds(5), evidence).get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
                    assertThat(e.getMessage()).contains("nobody is signed in", "not run");
                });
        connect((action, args) -> null);
        assertThatThrownBy(() -> askTool("{\"user\":\"bob\"}", Duration.ofSeconds(5), evidence)
                        .get(20, TimeUnit.SECONDS))
                .cause()
                .isInstanceOfSatisfying(ToolException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCodes.NO_USER_SESSION);
                    assertThat(e.getMessage()).contains("bob", "connected: alice");
                });
        assertThat(desk.pending()).isEmpty();
        assertThat(evidence).isEmpty();
    }
}
