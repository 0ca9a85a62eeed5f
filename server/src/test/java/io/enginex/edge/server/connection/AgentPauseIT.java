package io.enginex.edge.server.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.AgentState;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Pause;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pause the person at an agent's machine controls, as the hub sees it: reported in hello and
 * state frames, shown on the agent's API view, new jobs refused with agent_paused, and audited.
 */
class AgentPauseIT {
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

    static JsonNode agentView(String agentId) {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/agents/" + agentId, hub.platformKey())
                .body();
    }

    @Test
    void aPausedAgentIsShownPausedItsNewJobsFailAgentPausedUnsentAndResumeLetsThemRunAgain() {
        TestAgent agent = hub.register(tenant);
        Instant since = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            socket.send(new AgentState(socket.nextId(), new Pause("alice", since)));
            await().until(() -> agentView(agent.agentId()).hasNonNull("paused"));

            JsonNode paused = agentView(agent.agentId()).get("paused");
            JsonNode refused = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 30);

            assertThat(paused.get("by").asText()).isEqualTo("alice");
            assertThat(Instant.parse(paused.get("since").asText())).isEqualTo(since);
            assertThat(refused.get("state").asText()).isEqualTo("failed");
            assertThat(refused.path("error").path("code").asText()).isEqualTo(ErrorCodes.AGENT_PAUSED);
            assertThat(refused.path("error").path("message").asText()).contains("alice", "enginex-agent resume");

            socket.send(new AgentState(socket.nextId(), null));
            await().until(() -> !agentView(agent.agentId()).hasNonNull("paused"));
            JsonNode sent = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 30);

            assertThat(sent.get("state").asText()).isEqualTo("dispatched");
            assertThat(socket.expect(Dispatch.class).jobId())
                    .isEqualTo(sent.get("id").asText());
        }
        assertThat(auditedFor("agent.paused", agent.agentId())
                        .path("details")
                        .path("by")
                        .asText())
                .isEqualTo("alice");
        assertThat(auditedFor("agent.resumed", agent.agentId())
                        .path("actor")
                        .path("type")
                        .asText())
                .isEqualTo("agent");
    }

    static JsonNode auditedFor(String type, String agentId) {
        JsonNode events = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=" + type, hub.platformKey())
                .body()
                .path("events");
        for (JsonNode event : events) {
            if (agentId.equals(event.path("target").path("id").asText())) {
                return event;
            }
        }
        throw new AssertionError("no " + type + " event for " + agentId + " in " + events);
    }

    @Test
    void aPauseInHelloIsKnownBeforeAnyJobIsSent() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connect(agent)) {
            socket.send(new Hello(
                    socket.nextId(),
                    Protocol.VERSION,
                    "0.1.0-test",
                    "Linux",
                    "amd64",
                    "test-host",
                    List.of(),
                    "",
                    new Pause("bob", Instant.parse("2026-11-26T10:02:11Z"))));
            socket.expect(Welcome.class);

            JsonNode view = agentView(agent.agentId());
            JsonNode refused = hub.dispatch(tenant, session, agent.agentId(), "sys.info", Map.of(), 30);

            assertThat(view.path("paused").path("by").asText()).isEqualTo("bob");
            assertThat(refused.path("error").path("code").asText()).isEqualTo(ErrorCodes.AGENT_PAUSED);
        }
    }
}
