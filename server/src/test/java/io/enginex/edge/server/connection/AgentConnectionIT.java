package io.enginex.edge.server.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent WebSocket: handshake, hostile frames, replacement and revocation. */
class AgentConnectionIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static String tenant;
    static String session;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        tenant = hub.newTenant();
        session = hub.newSession(tenant);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void helloIsAnsweredWithWelcomeAndTheAgentShowsAsConnectedWithItsTools() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list", "fs.read")) {
            var shown = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey());

            assertThat(socket.isClosed()).isFalse();
            assertThat(shown.body().get("connected").asBoolean()).isTrue();
            assertThat(shown.body().get("tools").findValuesAsText("name")).containsExactly("fs.list", "fs.read");
            assertThat(shown.get("hostname")).isEqualTo("test-host");
            assertThat(shown.body().get("labels").toString()).isEqualTo("[\"test\"]");
        }
    }

    @Test
    void pingIsAnsweredWithPong() {
        try (AgentSocket socket = hub.connectReady(hub.register(tenant))) {
            socket.send(new Ping("a-ping"));
            Pong pong = socket.expect(Pong.class);
            assertThat(pong.replyTo()).isEqualTo("a-ping");
        }
    }

    @Test
    void malformedOversizedAndUnknownFramesGetErrorsAndTheConnectionKeepsWorking() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            socket.sendText("{not json");
            ErrorFrame malformed = socket.expect(ErrorFrame.class);
            socket.sendText("{\"type\":\"teleport\",\"id\":\"a-77\"}");
            ErrorFrame unknown = socket.expect(ErrorFrame.class);
            socket.sendText("{\"type\":\"ping\",\"id\":\"a-78\",\"pad\":\"" + "x".repeat(1 << 20) + "\"}");
            ErrorFrame oversized = socket.expect(ErrorFrame.class);
            socket.sendText("{\"type\":\"ack\",\"id\":\"a-79\"}");
            ErrorFrame missingField = socket.expect(ErrorFrame.class);

            assertThat(malformed.code()).isEqualTo(ErrorCodes.BAD_FRAME);
            assertThat(unknown.code()).isEqualTo(ErrorCodes.UNKNOWN_TYPE);
            assertThat(unknown.replyTo()).isEqualTo("a-77");
            assertThat(oversized.code()).isEqualTo(ErrorCodes.FRAME_TOO_LARGE);
            assertThat(missingField.code()).isEqualTo(ErrorCodes.BAD_FRAME);
            assertThat(missingField.replyTo()).isEqualTo("a-79");
            roundTrip(socket, agent);
        }
    }

    @Test
    void aBinaryFrameIsAnsweredWithBadFrameAndTheConnectionKeepsWorking() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            socket.sendBinary(new byte[] {1, 2, 3});

            ErrorFrame error = socket.expect(ErrorFrame.class);
            assertThat(error.code()).isEqualTo(ErrorCodes.BAD_FRAME);
            assertThat(error.message()).contains("binary frames are not part of protocol");
            assertThat(error.replyTo()).isEmpty();
            roundTrip(socket, agent);
        }
    }

    @Test
    void hubFrameTypesFromAnAgentAreAnsweredAsUnknown() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            socket.send(new Dispatch("a-5", "job_x", "fs.list", null, Instant.now(), 1));
            ErrorFrame error = socket.expect(ErrorFrame.class);

            socket.send(new PolicyUpdate("a-6", List.of()));
            ErrorFrame policy = socket.expect(ErrorFrame.class);

            assertThat(error.code()).isEqualTo(ErrorCodes.UNKNOWN_TYPE);
            assertThat(error.replyTo()).isEqualTo("a-5");
            assertThat(error.message()).contains("does not accept dispatch frames");
            // Named by its wire type, not its Java class ("policyupdate").
            assertThat(policy.message()).contains("does not accept policy frames");
            roundTrip(socket, agent);
        }
    }

    @Test
    void firstFrameMustBeHello() {
        try (AgentSocket socket = hub.connect(hub.register(tenant))) {
            socket.send(new Ping("a-1"));

            assertThat(socket.expect(ErrorFrame.class).code()).isEqualTo(ErrorCodes.BAD_FRAME);
            assertThat(socket.awaitClose(Duration.ofSeconds(5))).isEqualTo(1008);
        }
    }

    @Test
    void anotherProtocolMajorIsRefusedWith4000() {
        try (AgentSocket socket = hub.connect(hub.register(tenant))) {
            socket.send(new Hello("a-1", "2.0", "9.0.0", "Linux", "amd64", "h", List.of(), ""));

            ErrorFrame error = socket.expect(ErrorFrame.class);
            assertThat(error.code()).isEqualTo(ErrorCodes.UNSUPPORTED_VERSION);
            assertThat(socket.awaitClose(Duration.ofSeconds(5))).isEqualTo(Protocol.CLOSE_UNSUPPORTED);
        }
    }

    @Test
    void secondConnectionOfTheSameAgentReplacesTheFirst() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket first = hub.connectReady(agent, "fs.list");
                AgentSocket second = hub.connectReady(agent, "fs.list")) {
            assertThat(first.awaitClose(Duration.ofSeconds(5))).isEqualTo(Protocol.CLOSE_REPLACED);
            roundTrip(second, agent);
        }
    }

    @Test
    void revokingAnAgentClosesItsSocketWith4001AndRefusesItsNextTokenRequest() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            var r = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/revoke",
                            hub.platformKey(),
                            Map.of());

            assertThat(r.status()).isEqualTo(200);
            assertThat(r.get("revokedAt")).isNotBlank();
            // The hub starts the close before it answers the revocation; the bound only keeps a broken
            // hub from hanging the test (how fast it is belongs in a benchmark, not a test).
            assertThat(socket.awaitClose(Duration.ofSeconds(30))).isEqualTo(Protocol.CLOSE_REVOKED);
        }
        var token = hub.requestAccessToken(agent.assertion());
        assertThat(token.status()).isEqualTo(401);
        assertThat(token.code()).isEqualTo("agent_revoked");
        var job = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                        hub.platformKey(),
                        Map.of("agentId", agent.agentId(), "tool", "fs.list"));
        assertThat(job.status()).isEqualTo(409);
        assertThat(job.code()).isEqualTo("agent_revoked");
    }

    @Test
    void silentAgentIsDroppedAfterTwoHeartbeats(@TempDir Path other) {
        try (TestHub fast =
                TestHub.start(other, b -> b.heartbeat(Duration.ofMillis(300)), java.time.Clock.systemUTC())) {
            String t = fast.newTenant();
            TestAgent agent = fast.register(t);
            // The chatty one first: connecting it takes longer than two 300 ms heartbeats on a busy
            // machine, and the silent one must say hello before that or it is dropped as never ready.
            try (AgentSocket chatty = fast.connectReady(fast.register(t));
                    AgentSocket silent = fast.connect(agent).silent()) {
                silent.hello();

                assertThat(silent.awaitClose(Duration.ofSeconds(5))).isEqualTo(Protocol.CLOSE_HEARTBEAT_TIMEOUT);
                await().atMost(Duration.ofSeconds(2))
                        .until(() -> !fast.hub().connections().isConnected(t, agent.agentId()));
                assertThat(chatty.isClosed()).isFalse();
            }
        }
    }

    /** Dispatches a job to the socket, answers it, and checks the hub stored the answer. */
    static void roundTrip(AgentSocket socket, TestAgent agent) {
        var job = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 30);
        Dispatch dispatch = socket.expect(Dispatch.class);
        assertThat(dispatch.jobId()).isEqualTo(job.get("id").asText());
        socket.send(new Ack(socket.nextId(), dispatch.jobId()));
        socket.send(new Result(
                socket.nextId(),
                dispatch.jobId(),
                TestHub.MAPPER.createObjectNode().put("ok", true),
                null,
                Instant.now(),
                Instant.now(),
                false));
        await().atMost(Duration.ofSeconds(5))
                .until(() ->
                        hub.job(tenant, dispatch.jobId()).get("state").asText().equals("succeeded"));
    }
}
