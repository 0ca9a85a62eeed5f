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
import io.enginex.edge.protocol.SessionEvent;
import io.enginex.edge.protocol.SessionEventsAck;
import io.enginex.edge.protocol.SessionPart;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
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
 * state frames, shown on the agent's API view, new jobs refused with agent_paused, and audited. And the
 * users' session parts the same state frames list: shown with the time of the report, as live only
 * while the agent is connected and reported on that connection, as last known otherwise, and each
 * change audited once.
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
    void signedInUsersAreLiveOnlyWhileTheAgentIsConnectedLastKnownWhenItIsGoneAndEachChangeIsAuditedOnce() {
        TestAgent agent = hub.register(tenant);
        String id = agent.agentId();
        // Nanoseconds, as an agent's clock may send them; the hub keeps microseconds.
        SessionPart alice = new SessionPart("alice", "wayland", Instant.parse("2026-12-05T08:01:44.123456789Z"));
        SessionPart bob = new SessionPart("bob", "x11", Instant.parse("2026-12-05T09:30:00Z"));
        Browser viewer = hub.signedIn(tenant, "viewer");
        Instant firstReport;
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            assertThat(agentView(id).hasNonNull("sessionPartsReportedAt")).isFalse();
            assertThat(viewer.get("/ui/agents/" + id).body()).contains("id=\"session-parts-none\"");

            socket.send(new AgentState(socket.nextId(), null, List.of(alice)));
            await().until(() -> agentView(id).path("sessionPartsCurrent").asBoolean());
            JsonNode live = agentView(id);
            firstReport = Instant.parse(live.path("sessionPartsReportedAt").asText());
            String page = viewer.get("/ui/agents/" + id).body();

            assertThat(live.path("sessionParts").path(0).path("user").asText()).isEqualTo("alice");
            assertThat(live.path("sessionParts").path(0).path("current").asBoolean())
                    .isTrue();
            assertThat(page)
                    .contains("id=\"session-parts-as-of\"", "alice")
                    .contains("id=\"session-parts\" aria-labelledby=\"session-parts-title\" data-current=\"true\"")
                    .doesNotContain("session-parts-stale");
        }

        await().until(() -> !agentView(id).path("connected").asBoolean());
        JsonNode offline = agentView(id);
        String offlinePage = viewer.get("/ui/agents/" + id).body();

        assertThat(offline.path("sessionPartsCurrent").asBoolean()).isFalse();
        assertThat(offline.path("sessionParts").path(0).path("current").asBoolean())
                .isFalse();
        assertThat(offline.path("sessionParts").path(0).path("user").asText()).isEqualTo("alice");
        assertThat(Instant.parse(offline.path("sessionPartsReportedAt").asText()))
                .isEqualTo(firstReport);
        assertThat(offlinePage)
                .contains("id=\"session-parts-stale\"", "agent offline", "alice")
                .contains("id=\"session-parts\" aria-labelledby=\"session-parts-title\" data-current=\"false\"")
                .doesNotContain("session-parts-as-of");

        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            await().until(() -> agentView(id).path("connected").asBoolean());
            assertThat(agentView(id).path("sessionPartsCurrent").asBoolean())
                    .as("connected again, but the list is from the connection before")
                    .isFalse();

            socket.send(new AgentState(socket.nextId(), null, List.of(alice)));
            await().until(() -> agentView(id).path("sessionPartsCurrent").asBoolean());
            socket.send(new AgentState(socket.nextId(), null, List.of(bob)));
            await().until(() -> agentView(id)
                    .path("sessionParts")
                    .path(0)
                    .path("user")
                    .asText()
                    .equals("bob"));
        }

        // The reports are handled in order on the socket's thread: once bob's is audited, alice's repeat was handled.
        await().until(() -> audited("agent-session.started", id).size() == 2);
        List<JsonNode> started = audited("agent-session.started", id);
        List<JsonNode> ended = audited("agent-session.ended", id);
        assertThat(started)
                .extracting(e -> e.path("details").path("user").asText())
                .containsExactlyInAnyOrder("alice", "bob");
        assertThat(ended).hasSize(1);
        JsonNode aliceEnded = ended.get(0).path("details");
        assertThat(aliceEnded.path("user").asText()).isEqualTo("alice");
        assertThat(aliceEnded.path("sessionType").asText()).isEqualTo("wayland");
        assertThat(aliceEnded.path("agentId").asText()).isEqualTo(id);
        assertThat(Instant.parse(aliceEnded.path("since").asText()))
                .isEqualTo(Instant.parse("2026-12-05T08:01:44.123456Z"));
        assertThat(Instant.parse(aliceEnded.path("lastReportedAt").asText())).isAfter(firstReport);
        assertThat(ended.get(0).path("actor").path("type").asText()).isEqualTo("agent");
        assertThat(hub.signedIn(tenant, "admin")
                        .get("/ui/audit?type=agent-session.ended")
                        .body())
                .contains(id, "alice");

        String other = hub.newTenant();
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + id, hub.tenantKey(other, "owner"))
                        .status())
                .isEqualTo(404);
        var elsewhere = hub.signedIn(other, "admin");
        var otherPage = elsewhere.get("/ui/agents/" + id);
        assertThat(otherPage.statusCode()).isEqualTo(404);
        assertThat(otherPage.body()).doesNotContain("bob");
        assertThat(elsewhere.get("/ui/audit?type=agent-session.started").body()).doesNotContain(id);
    }

    @Test
    void signInsTheAgentSawWhileOfflineAreAuditedOnceWithTheirOwnTimeEvenWhenResent() {
        TestAgent agent = hub.register(tenant);
        String id = agent.agentId();
        Instant bobIn = Instant.parse("2026-12-05T06:10:00Z");
        Instant bobOut = Instant.parse("2026-12-05T06:40:00.123456Z");
        SessionPart bob = new SessionPart("bob", "x11", bobIn);
        SessionPart carol = new SessionPart("carol", "wayland", Instant.parse("2026-12-05T07:00:00Z"));
        // bob signed in and out, carol signed in (and still is) while the agent had no hub connection.
        List<SessionEvent> offline =
                List.of(SessionEvent.started(bob), SessionEvent.ended(bob, bobOut), SessionEvent.started(carol));

        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            AgentState state = new AgentState(socket.nextId(), null, List.of(carol), offline);
            socket.send(state);
            SessionEventsAck ack = nextAck(socket);
            assertThat(ack.replyTo()).isEqualTo(state.id());
            assertThat(ack.events()).containsExactlyElementsOf(offline);
        }
        // The agent did not get (or keep) the ack: after reconnecting it sends the same events again.
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            socket.send(new AgentState(socket.nextId(), null, List.of(carol), offline));
            assertThat(nextAck(socket).events()).containsExactlyElementsOf(offline);
        }

        List<JsonNode> started = audited("agent-session.started", id);
        List<JsonNode> ended = audited("agent-session.ended", id);
        assertThat(started)
                .as("one each: the resend and carol in the list add nothing")
                .extracting(e -> e.path("details").path("user").asText())
                .containsExactlyInAnyOrder("bob", "carol");
        assertThat(ended).hasSize(1);
        JsonNode bobEnded = ended.get(0).path("details");
        assertThat(bobEnded.path("user").asText()).isEqualTo("bob");
        assertThat(Instant.parse(bobEnded.path("at").asText())).isEqualTo(bobOut);
        assertThat(Instant.parse(bobEnded.path("since").asText())).isEqualTo(bobIn);
        assertThat(bobEnded.path("reportedLate").asBoolean()).isTrue();
        assertThat(Instant.parse(ended.get(0).path("at").asText()))
                .as("the event's own time is when the hub received it, kept apart from the reported one")
                .isAfter(bobOut);
        JsonNode bobStarted = started.stream()
                .filter(e -> e.path("details").path("user").asText().equals("bob"))
                .findFirst()
                .orElseThrow()
                .path("details");
        assertThat(Instant.parse(bobStarted.path("at").asText())).isEqualTo(bobIn);
        assertThat(bobStarted.path("reportedLate").asBoolean()).isTrue();

        String other = hub.newTenant();
        assertThat(hub.api()
                        .get(
                                "/api/v1/tenants/" + tenant + "/audit?type=agent-session.ended",
                                hub.tenantKey(other, "owner"))
                        .status())
                .isEqualTo(404);
    }

    /** The hub's next {@code sessionEventsAck}, skipping other frames. */
    static SessionEventsAck nextAck(AgentSocket socket) {
        while (true) {
            if (socket.next() instanceof SessionEventsAck ack) {
                return ack;
            }
        }
    }

    static List<JsonNode> audited(String type, String agentId) {
        List<JsonNode> found = new java.util.ArrayList<>();
        for (JsonNode event : hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=" + type, hub.platformKey())
                .body()
                .path("events")) {
            if (agentId.equals(event.path("target").path("id").asText())) {
                found.add(event);
            }
        }
        return found;
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
