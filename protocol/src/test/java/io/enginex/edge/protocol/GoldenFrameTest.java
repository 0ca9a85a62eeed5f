package io.enginex.edge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The wire format is pinned by fixture files: each decodes to the expected message, and each
 * message encodes to the same JSON. A change that alters the wire shape breaks this test.
 */
class GoldenFrameTest {
    private static final MessageCodec CODEC = new MessageCodec();
    private static final ObjectMapper JSON = CODEC.mapper();

    static Stream<Arguments> frames() throws IOException {
        JsonNode schema = JSON.readTree(
                "{\"type\":\"object\",\"properties\":{\"path\":{\"type\":\"string\"}},\"required\":[\"path\"]}");
        return Stream.of(
                Arguments.of(
                        "hello.json",
                        new Hello(
                                "a-1",
                                "1.0",
                                "0.1.0",
                                "Linux",
                                "amd64",
                                "lt-4711",
                                List.of(new ToolDescriptor(
                                        "fs.read",
                                        "Read a file",
                                        "Reads a file under the allowed root.",
                                        schema,
                                        "low")),
                                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")),
                Arguments.of("welcome.json", new Welcome("h-1", "1.0", "agt_3kq9x2m4b7", "acme", 15000, "hub-1")),
                Arguments.of(
                        "dispatch.json",
                        new Dispatch(
                                "h-7",
                                "job_8c1d2e",
                                "fs.list",
                                JSON.readTree("{\"path\":\"reports\"}"),
                                Instant.parse("2026-11-26T10:15:30Z"),
                                1)),
                Arguments.of(
                        "dispatch-approved.json",
                        new Dispatch(
                                "h-9",
                                "job_8c1d30",
                                "exec",
                                JSON.readTree("{\"command\":\"erp-export\",\"params\":{\"period\":\"2026-10\"}}"),
                                Instant.parse("2026-11-26T10:15:30Z"),
                                1,
                                "usr_controller")),
                Arguments.of(
                        "dispatch-requested.json",
                        new Dispatch(
                                "h-11",
                                "job_8c1d31",
                                "desktop.screenshot",
                                JSON.readTree("{}"),
                                Instant.parse("2026-11-26T10:15:30Z"),
                                1,
                                null,
                                "alice@acme.example (dashboard)")),
                Arguments.of(
                        "hello-approval.json",
                        new Hello(
                                "a-2",
                                "1.0",
                                "0.1.0",
                                "Linux",
                                "amd64",
                                "lt-4711",
                                List.of(new ToolDescriptor(
                                                "exec",
                                                "Run a command template",
                                                "Runs a named command template.",
                                                JSON.readTree("{\"type\":\"object\"}"),
                                                "high")
                                        .withApproval(new ToolApproval(false, List.of("erp-export")))),
                                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")),
                Arguments.of(
                        "welcome-policies.json",
                        new Welcome(
                                "h-1",
                                "1.0",
                                "agt_3kq9x2m4b7",
                                "acme",
                                15000,
                                "hub-1",
                                List.of(new TenantPolicy(
                                        "pol_7f3k2a",
                                        "label:team=finance",
                                        JSON.readTree("{\"version\":1,\"tools\":[\"fs.list\",\"fs.read\"],"
                                                + "\"limits\":{\"concurrency\":{\"default\":4,\"fs.read\":2}}}"),
                                        Instant.parse("2026-11-26T10:00:00Z"))))),
                Arguments.of(
                        "policy.json",
                        new PolicyUpdate(
                                "h-30",
                                List.of(new TenantPolicy(
                                        "pol_7f3k2a",
                                        "tenant",
                                        JSON.readTree("{\"version\":1,\"tools\":[\"fs.list\"]}"),
                                        Instant.parse("2026-11-26T10:05:00Z"))))),
                Arguments.of(
                        "policy-graphs.json",
                        new PolicyUpdate(
                                "h-31",
                                List.of(),
                                new AssignedGraphs(
                                        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                                        List.of(JSON.readTree(GoldenFrameTest.class.getResourceAsStream(
                                                        "/golden/policy-graphs.json"))
                                                .path("graphs")
                                                .path("signed")
                                                .get(0))))),
                Arguments.of(
                        "advertise.json",
                        new Advertise(
                                "a-3",
                                List.of(new ToolDescriptor(
                                        "fs.list",
                                        "List a folder",
                                        "Lists a folder under the allowed roots.",
                                        JSON.readTree("{\"type\":\"object\"}"),
                                        "low")),
                                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                JSON.readTree(GoldenFrameTest.class.getResourceAsStream("/golden/advertise.json"))
                                        .get("effectivePolicy"))),
                Arguments.of(
                        "hello-paused.json",
                        new Hello(
                                "a-3",
                                "1.0",
                                "0.1.0",
                                "Linux",
                                "amd64",
                                "lt-4711",
                                List.of(),
                                "sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                                new Pause("alice", Instant.parse("2026-11-26T10:02:11Z")))),
                Arguments.of(
                        "state-paused.json",
                        new AgentState("a-30", new Pause("alice", Instant.parse("2026-11-26T10:02:11Z")))),
                Arguments.of("state-resumed.json", new AgentState("a-31", null)),
                Arguments.of(
                        "state-session-parts.json",
                        new AgentState(
                                "a-32",
                                null,
                                List.of(new SessionPart("alice", "wayland", Instant.parse("2026-12-05T08:01:44Z"))))),
                Arguments.of(
                        "state-session-events.json",
                        new AgentState(
                                "a-33",
                                null,
                                List.of(),
                                List.of(
                                        new SessionEvent(
                                                "bob",
                                                "x11",
                                                SessionEvent.STARTED,
                                                Instant.parse("2026-12-05T06:10:00Z"),
                                                Instant.parse("2026-12-05T06:10:00Z")),
                                        new SessionEvent(
                                                "bob",
                                                "x11",
                                                SessionEvent.ENDED,
                                                Instant.parse("2026-12-05T06:10:00Z"),
                                                Instant.parse("2026-12-05T06:40:00Z"))))),
                Arguments.of(
                        "session-events-ack.json",
                        new SessionEventsAck(
                                "h-14",
                                "a-33",
                                List.of(new SessionEvent(
                                        "bob",
                                        "x11",
                                        SessionEvent.STARTED,
                                        Instant.parse("2026-12-05T06:10:00Z"),
                                        Instant.parse("2026-12-05T06:10:00Z"))))),
                Arguments.of(
                        "update-refused.json",
                        new UpdateReport(
                                "a-4",
                                "1.4.0",
                                "stable",
                                UpdateReport.MODE_SELF,
                                UpdateReport.REFUSED,
                                "1.5.0",
                                null,
                                Instant.parse("2026-12-01T10:10:00Z"),
                                new UpdateFailure(
                                        "1.5.0",
                                        "no hello accepted within 300 s; rolled back to 1.4.0",
                                        Instant.parse("2026-12-01T10:07:00Z")))),
                Arguments.of(
                        "welcome-pin.json",
                        new Welcome(
                                "h-1",
                                "1.0",
                                "agt_3kq9x2m4b7",
                                "acme",
                                15000,
                                "hub-1",
                                List.of(),
                                new UpdatePin("beta", null))),
                Arguments.of("release-published.json", new ReleaseNotice("h-40", "stable", "1.5.0", null, 20000)),
                Arguments.of(
                        "release-pin.json", new ReleaseNotice("h-41", null, null, new UpdatePin(null, "1.4.0"), 10000)),
                Arguments.of("release-unpinned.json", new ReleaseNotice("h-42", null, null, UpdatePin.NONE, 10000)),
                Arguments.of(
                        "graph-runs.json",
                        new GraphRuns(
                                "a-9",
                                List.of(new GraphRuns.Run(
                                        "run_3f2a0c1d2e3f405162738495",
                                        "nightly",
                                        "gph_7kq2",
                                        2,
                                        "succeeded",
                                        Instant.parse("2026-12-05T02:00:00Z"),
                                        Instant.parse("2026-12-05T02:00:04Z"),
                                        JSON.readTree("{\"trigger\":\"schedule\"}"),
                                        List.of(
                                                new GraphRuns.Step(
                                                        "run_3f2a0c1d2e3f405162738495:list",
                                                        "list",
                                                        "succeeded",
                                                        1,
                                                        null,
                                                        null,
                                                        JSON.readTree("{\"total\":3}"),
                                                        false,
                                                        null,
                                                        11L,
                                                        "5c0a",
                                                        Instant.parse("2026-12-05T02:00:01Z"),
                                                        null,
                                                        null),
                                                new GraphRuns.Step(
                                                        "run_3f2a0c1d2e3f405162738495:dump",
                                                        "dump",
                                                        "failed",
                                                        2,
                                                        new ErrorInfo("tool_failed", "disk full"),
                                                        null,
                                                        null,
                                                        true,
                                                        "{\"entries\":[",
                                                        900000L,
                                                        "9e1f",
                                                        Instant.parse("2026-12-05T02:00:04Z"),
                                                        null,
                                                        null)))))),
                Arguments.of(
                        "graph-runs-consent.json",
                        new GraphRuns(
                                "a-10",
                                List.of(new GraphRuns.Run(
                                        "run_3f2a0c1d2e3f405162738496",
                                        "launch",
                                        null,
                                        null,
                                        "failed",
                                        Instant.parse("2026-12-05T09:00:00Z"),
                                        Instant.parse("2026-12-05T09:00:20Z"),
                                        JSON.readTree("{}"),
                                        List.of(new GraphRuns.Step(
                                                        "run_3f2a0c1d2e3f405162738496:open",
                                                        "open",
                                                        "failed",
                                                        1,
                                                        new ErrorInfo("consent_denied", "alice denied it"),
                                                        null,
                                                        null,
                                                        false,
                                                        null,
                                                        null,
                                                        null,
                                                        Instant.parse("2026-12-05T09:00:20Z"),
                                                        null,
                                                        null)
                                                .withConsent(JSON.readTree("{\"request\":\"c-1\",\"user\":\"alice\","
                                                        + "\"tool\":\"app.launch\",\"shown\":\"{}\","
                                                        + "\"askedAt\":\"2026-12-05T09:00:01Z\",\"answer\":\"denied\","
                                                        + "\"via\":\"dialog\",\"answeredAt\":\"2026-12-05T09:00:19Z\","
                                                        + "\"answeredBy\":\"alice\"}"))))))),
                Arguments.of(
                        "graph-runs-ack.json",
                        new GraphRunsAck(
                                "h-12",
                                "a-9",
                                List.of("run_3f2a0c1d2e3f405162738495"),
                                List.of("run_3f2a0c1d2e3f405162738495:list"),
                                List.of())),
                Arguments.of(
                        "graph-output-chunk.json",
                        GraphOutputChunk.of(
                                "a-31",
                                "run_3f2a0c1d2e3f405162738495:dump",
                                196608,
                                196615,
                                "9e1f" + "0".repeat(60),
                                "{\"e\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_8))),
                Arguments.of(
                        "graph-output-ack.json",
                        new GraphOutputAck("h-40", "a-31", "run_3f2a0c1d2e3f405162738495:dump", 196615, true, null)),
                Arguments.of(
                        "graph-start.json",
                        new GraphStart(
                                "h-14",
                                "gst_5d1e2f3a4b5c6d7e8f901234",
                                "gph_2b3c4d5e6f708192a3b4c5d6",
                                "nightly-report",
                                JSON.readTree("{\"day\":\"2026-12-05\"}"),
                                "alice@acme.example")),
                Arguments.of(
                        "graph-approval.json",
                        new GraphApproval(
                                "a-21",
                                "run_3f2a0c1d2e3f405162738495",
                                "pay",
                                "gph_2b3c4d5e6f708192a3b4c5d6",
                                "payments",
                                3,
                                "exec",
                                JSON.readTree(
                                        "{\"command\":\"erp-pay\",\"params\":{\"month\":\"2026-11\"},\"token\":\"[redacted]\"}"),
                                "sends the month's payments",
                                Instant.parse("2026-12-05T02:00:03Z"))),
                Arguments.of(
                        "graph-decision.json",
                        new GraphDecision(
                                "h-30",
                                "gap_7a8b9c0d1e2f3a4b5c6d7e8f",
                                "run_3f2a0c1d2e3f405162738495",
                                "pay",
                                false,
                                "alice@acme.example",
                                "wrong month")),
                Arguments.of(
                        "graph-decision-outcome.json",
                        new GraphDecisionOutcome(
                                "a-31",
                                "gap_7a8b9c0d1e2f3a4b5c6d7e8f",
                                "run_3f2a0c1d2e3f405162738495",
                                "pay",
                                GraphDecisionOutcome.ALREADY_DECIDED,
                                "already decided by local:bob (approved)")),
                Arguments.of(
                        "graph-local-decision.json",
                        new GraphLocalDecision(
                                "a-40",
                                "run_3f2a0c1d2e3f405162738495",
                                "pay",
                                true,
                                "local:ana",
                                "",
                                Instant.parse("2026-12-05T09:12:00Z"))),
                Arguments.of(
                        "update-managed.json",
                        new UpdateReport(
                                "a-5",
                                "1.4.0",
                                "stable",
                                UpdateReport.MODE_MANAGED,
                                UpdateReport.IDLE,
                                null,
                                "1.5.0",
                                Instant.parse("2026-12-01T10:10:00Z"),
                                null)),
                Arguments.of("ack.json", new Ack("a-9", "job_8c1d2e")),
                Arguments.of("progress.json", new Progress("a-10", "job_8c1d2e", "read 3 of 9 MiB", 0.33)),
                Arguments.of(
                        "result-ok.json",
                        new Result(
                                "a-11",
                                "job_8c1d2e",
                                JSON.readTree("{\"entries\":[{\"name\":\"q3.csv\",\"type\":\"file\",\"size\":1024}]}"),
                                null,
                                Instant.parse("2026-11-26T10:15:01Z"),
                                Instant.parse("2026-11-26T10:15:01.020Z"),
                                false)),
                Arguments.of(
                        "result-error.json",
                        new Result(
                                "a-12",
                                "job_8c1d2f",
                                null,
                                new ErrorInfo(
                                        ErrorCodes.PATH_OUTSIDE_ROOT,
                                        "../etc/passwd resolves outside the allowed root"),
                                Instant.parse("2026-11-26T10:15:02Z"),
                                Instant.parse("2026-11-26T10:15:02.001Z"),
                                true)),
                Arguments.of(
                        "secret.json",
                        new SecretDelivery(
                                "h-50",
                                "sdl_7f3k2a",
                                "erp-token",
                                "MCowBQYDK2VuAyEAhSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=",
                                "AAECAwQFBgcICQoL",
                                "c2VhbGVkIGJ5dGVzIGFuZCB0YWc=",
                                28800,
                                "auto")),
                Arguments.of("wipe.json", new VaultWipe("h-60", "vwp_8c1d2e")),
                Arguments.of("secret-remove.json", new SecretRemoval("h-70", "srm_4b9e1c", "erp-token")),
                Arguments.of("vault-ack-removed.json", new VaultAck("a-11", "srm_4b9e1c", VaultAck.REMOVED, null)),
                Arguments.of("vault-ack.json", new VaultAck("a-8", "sdl_7f3k2a", VaultAck.STORED, null)),
                Arguments.of(
                        "vault-ack-refused.json",
                        new VaultAck(
                                "a-9",
                                "sdl_7f3k2b",
                                VaultAck.REFUSED,
                                "the secret does not open with this device's exchange key")),
                Arguments.of(
                        "hello-exchange-key.json",
                        new Hello(
                                "a-1",
                                "1.0",
                                "0.1.0",
                                "Linux",
                                "amd64",
                                "lt-4711",
                                List.of(),
                                "sha256:9f86",
                                null,
                                "MCowBQYDK2VuAyEAhSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=")),
                Arguments.of("cancel.json", new Cancel("h-8", "job_8c1d2e", "deadline passed")),
                Arguments.of("ping.json", new Ping("a-20")),
                Arguments.of("pong.json", new Pong("h-21", "a-20")),
                Arguments.of(
                        "error.json",
                        new ErrorFrame(
                                "h-22",
                                ErrorCodes.UNKNOWN_TYPE,
                                "unknown frame type \"telemetry\"; this peer speaks protocol 1.0",
                                "a-19")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void fixtureDecodesToMessage(String file, Message expected) throws IOException {
        assertThat(CODEC.decode(read(file))).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("frames")
    void messageEncodesToFixture(String file, Message message) throws IOException {
        assertThat(JSON.readTree(CODEC.encode(message))).isEqualTo(JSON.readTree(read(file)));
    }

    static String read(String file) throws IOException {
        try (InputStream in = GoldenFrameTest.class.getResourceAsStream("/golden/" + file)) {
            assertThat(in).as("fixture %s", file).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        }
    }
}
