package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.JsonNodes;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runtime's persistent channel through the real hub: many jobs submitted on one WebSocket, each
 * answered and its end pushed; a resubmit with the same key answered with the same job; bad frames
 * answered without closing; and the upgrade refused to callers who may not create jobs in the tenant.
 */
class RuntimeChannelIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** A runtime's side of the channel: frames as they arrive. */
    static final class Runtime implements WebSocket.Listener, AutoCloseable {
        final BlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();
        WebSocket socket;

        static Runtime open(String tenant, String key) {
            Runtime runtime = new Runtime();
            runtime.socket = HttpClient.newHttpClient()
                    .newWebSocketBuilder()
                    .header("Authorization", "Bearer " + key)
                    .buildAsync(
                            URI.create(
                                    hub.url().replace("http://", "ws://") + "/api/v1/tenants/" + tenant + "/runtime"),
                            runtime)
                    .join();
            return runtime;
        }

        void send(Map<String, Object> frame) throws Exception {
            socket.sendText(TestHub.MAPPER.writeValueAsString(frame), true).join();
        }

        JsonNode next() throws InterruptedException {
            JsonNode frame = frames.poll(30, TimeUnit.SECONDS);
            assertThat(frame).as("a frame from the hub within 30 s").isNotNull();
            return frame;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                frames.add(JsonNodes.parse(partial.toString()));
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public void close() {
            socket.abort();
        }
    }

    private record Setup(String tenant, String session, TestAgent agent) {}

    private static Setup setup() {
        String tenant = hub.newTenant();
        return new Setup(tenant, hub.newSession(tenant), hub.register(tenant));
    }

    private static Map<String, Object> submit(Setup s, String ref, String key) {
        return submit(s, ref, key, ref);
    }

    private static Map<String, Object> submit(Setup s, String ref, String key, String n) {
        return Map.of(
                "type",
                "submit",
                "ref",
                ref,
                "idempotencyKey",
                key,
                "sessionId",
                s.session(),
                "agentId",
                s.agent().agentId(),
                "tool",
                "sys.ping",
                "args",
                Map.of("n", n));
    }

    private static void answer(AgentSocket agent, Dispatch dispatch) {
        agent.send(new Result(
                agent.nextId(),
                dispatch.jobId(),
                TestHub.MAPPER
                        .createObjectNode()
                        .put("echo", dispatch.args().path("n").asText()),
                null,
                Instant.now(),
                Instant.now(),
                false));
    }

    @Test
    void manyJobsOnOneChannelAreEachAcceptedOnceAndTheirEndsPushed() throws Exception {
        Setup s = setup();
        int n = 40;
        try (AgentSocket agent = hub.connectReady(s.agent(), "sys.ping");
                Runtime runtime = Runtime.open(s.tenant(), hub.platformKey())) {
            for (int i = 0; i < n; i++) {
                runtime.send(submit(s, "r" + i, "key-" + s.tenant() + "-" + i));
            }
            for (int i = 0; i < n; i++) {
                answer(agent, agent.expect(Dispatch.class));
            }

            Map<String, String> jobOfRef = new java.util.HashMap<>();
            Map<String, JsonNode> finished = new java.util.HashMap<>();
            while (jobOfRef.size() < n || finished.size() < n) {
                JsonNode frame = runtime.next();
                switch (frame.path("type").asText()) {
                    case "accepted" ->
                        assertThat(jobOfRef.put(
                                        frame.path("ref").asText(),
                                        frame.at("/job/id").asText()))
                                .as("one answer per ref")
                                .isNull();
                    case "finished" ->
                        assertThat(finished.put(frame.at("/job/id").asText(), frame.get("job")))
                                .as("one end per job")
                                .isNull();
                    default -> throw new AssertionError("unexpected frame " + frame);
                }
            }
            assertThat(new HashSet<>(jobOfRef.values())).hasSize(n).isEqualTo(finished.keySet());
            jobOfRef.forEach((ref, id) -> {
                assertThat(finished.get(id).path("state").asText()).isEqualTo("succeeded");
                assertThat(finished.get(id).at("/output/echo").asText()).isEqualTo(ref);
            });
        }
    }

    @Test
    void aResubmitWithTheSameKeyOnANewChannelIsAnsweredWithTheSameJob() throws Exception {
        Setup s = setup();
        String jobId;
        try (AgentSocket agent = hub.connectReady(s.agent(), "sys.ping")) {
            try (Runtime first = Runtime.open(s.tenant(), hub.platformKey())) {
                first.send(submit(s, "a", "same-key", "same"));
                JsonNode accepted = first.next();
                assertThat(accepted.path("type").asText())
                        .as(accepted.toString())
                        .isEqualTo("accepted");
                assertThat(accepted.path("replayed").asBoolean()).isFalse();
                jobId = accepted.at("/job/id").asText();
                answer(agent, agent.expect(Dispatch.class));
                assertThat(first.next().path("type").asText()).isEqualTo("finished");
            }
            try (Runtime again = Runtime.open(s.tenant(), hub.platformKey())) {
                // The ref differs (it is not part of the request) and the fields come in another order.
                again.socket
                        .sendText(
                                "{\"args\":{\"n\":\"same\"},\"tool\":\"sys.ping\",\"agentId\":\""
                                        + s.agent().agentId() + "\",\"sessionId\":\"" + s.session()
                                        + "\",\"idempotencyKey\":\"same-key\",\"ref\":\"b\",\"type\":\"submit\"}",
                                true)
                        .join();

                JsonNode replay = again.next();
                assertThat(replay.path("type").asText()).as(replay.toString()).isEqualTo("accepted");
                assertThat(replay.path("replayed").asBoolean()).isTrue();
                assertThat(replay.at("/job/id").asText()).isEqualTo(jobId);
                JsonNode finished = again.next();
                assertThat(finished.at("/job/id").asText()).isEqualTo(jobId);
                assertThat(finished.at("/job/state").asText()).isEqualTo("succeeded");
            }
        }
        var jobs = hub.api().get("/api/v1/tenants/" + s.tenant() + "/sessions/" + s.session(), hub.platformKey());
        assertThat(jobs.body().path("jobs")).as("made once").hasSize(1);
    }

    @Test
    void badSubmitsAreRefusedWithWhatToFixAndTheChannelStaysOpen() throws Exception {
        Setup s = setup();
        try (Runtime runtime = Runtime.open(s.tenant(), hub.platformKey())) {
            runtime.socket.sendText("{not json", true).join();
            JsonNode notJson = runtime.next();
            runtime.send(Map.of("type", "subscribe", "ref", "x"));
            JsonNode unknown = runtime.next();
            runtime.send(Map.of("type", "submit", "ref", "y", "sessionId", s.session(), "tool", "sys.ping"));
            JsonNode noAgent = runtime.next();
            runtime.send(Map.of(
                    "type",
                    "submit",
                    "ref",
                    "z",
                    "sessionId",
                    "ses_nope",
                    "agentId",
                    s.agent().agentId(),
                    "tool",
                    "sys.ping"));
            JsonNode noSession = runtime.next();

            assertThat(notJson.at("/error/code").asText()).isEqualTo("bad_frame");
            assertThat(unknown.at("/error/message").asText()).contains("submit");
            assertThat(noAgent.path("type").asText()).isEqualTo("refused");
            assertThat(noAgent.path("ref").asText()).isEqualTo("y");
            assertThat(noAgent.at("/error/message").asText()).contains("agentId");
            assertThat(noAgent.path("status").asInt()).isEqualTo(400);
            assertThat(noSession.at("/error/code").asText()).isEqualTo("session_not_found");
            assertThat(noSession.path("status").asInt()).isEqualTo(404);
        }
    }

    @Test
    void theUpgradeIsRefusedToCallersWhoMayNotCreateJobsInTheTenant() {
        Setup s = setup();
        Setup other = setup();
        String viewer = hub.tenantKey(s.tenant(), "viewer");
        String otherAdmin = hub.tenantKey(other.tenant(), "admin");

        for (var attempt : List.of(Map.entry("wrong-key", 401), Map.entry(viewer, 403), Map.entry(otherAdmin, 404))) {
            assertThatThrownBy(() -> Runtime.open(s.tenant(), attempt.getKey()))
                    .isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(e -> assertThat(((WebSocketHandshakeException) e.getCause())
                                    .getResponse()
                                    .statusCode())
                            .isEqualTo(attempt.getValue()));
        }
    }
}
