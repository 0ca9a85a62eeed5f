package io.enginex.edge.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.EventStream;
import io.enginex.edge.server.testing.EventStream.Event;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The job event streams through a real hub and a real HTTP client reading the stream, on the
 * database of the subclass: events as jobs are made and finished, a resume with {@code
 * Last-Event-ID} that gets exactly what was missed, a session's stream, and the refusals.
 */
abstract class JobEventStreamContract {
    static final Duration WAIT = Duration.ofSeconds(15);

    abstract TestHub hub();

    EventStream open(TestHub hub, String path, String key, Map<String, String> headers) {
        return EventStream.open(hub.http(), hub.url() + path, key, headers);
    }

    static String events(String tenant) {
        return "/api/v1/tenants/" + tenant + "/events";
    }

    /** Creates a job on {@code hub} and answers it from {@code socket}; returns its id. */
    static String runJob(TestHub hub, String tenant, String session, TestAgent agent, AgentSocket socket) {
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "sys.ping", Map.of(), 60)
                .get("id")
                .asText();
        Dispatch dispatch = socket.expect(Dispatch.class);
        assertThat(dispatch.jobId()).isEqualTo(jobId);
        socket.send(new Result(
                socket.nextId(),
                jobId,
                TestHub.MAPPER.createObjectNode().put("pong", true),
                null,
                Instant.now(),
                Instant.now(),
                false));
        // The result is committed after the frame is read: wait for it, so that the next job's events come
        // after this one's end in the audit trail, as the tests expect their order.
        org.awaitility.Awaitility.await("job " + jobId + " succeeded")
                .atMost(WAIT)
                .until(() -> hub.job(tenant, jobId).path("state").asText().equals("succeeded"));
        return jobId;
    }

    /** The next {@code n} events as {@code "type jobId"}. */
    static List<String> take(EventStream stream, int n) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Event e = stream.next(WAIT);
            seen.add(e.type() + " " + e.json().path("jobId").asText());
        }
        return seen;
    }

    @Test
    void aStreamSendsEachJobsEventsAsTheyHappen() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String viewer = hub.tenantKey(tenant, "viewer");
        try (AgentSocket socket = hub.connectReady(agent, "sys.ping");
                EventStream stream = open(hub, events(tenant), viewer, Map.of())) {
            assertThat(stream.status()).as(stream.body()).isEqualTo(200);
            assertThat(stream.contentType()).startsWith("text/event-stream");
            Event ready = stream.next(WAIT);
            assertThat(ready.type()).isEqualTo("ready");
            assertThat(ready.id()).startsWith("v1.");

            String jobId = runJob(hub, tenant, session, agent, socket);

            Event created = stream.next(WAIT);
            assertThat(created.type()).isEqualTo("job.created");
            assertThat(created.json().path("jobId").asText()).isEqualTo(jobId);
            assertThat(created.json().path("sessionId").asText()).isEqualTo(session);
            assertThat(created.json().path("agentId").asText()).isEqualTo(agent.agentId());
            assertThat(created.json().path("tool").asText()).isEqualTo("sys.ping");
            assertThat(created.json().path("state").asText()).isEqualTo("queued");
            assertThat(created.json().path("tenantId").asText()).isEqualTo(tenant);
            Event finished = stream.next(WAIT);
            assertThat(finished.type()).isEqualTo("job.finished");
            assertThat(finished.json().path("jobId").asText()).isEqualTo(jobId);
            assertThat(finished.json().path("state").asText()).isEqualTo("succeeded");
            assertThat(finished.json().path("actor").path("type").asText()).isEqualTo("agent");
            assertThat(finished.id()).isNotEqualTo(created.id());
        }
    }

    @Test
    void aClientResumingWithLastEventIdGetsExactlyTheEventsItMissed() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String key = hub.tenantKey(tenant, "operator");
        try (AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            String lastSeen;
            String second;
            try (EventStream stream = open(hub, events(tenant), key, Map.of())) {
                stream.next(WAIT); // ready
                String first = runJob(hub, tenant, session, agent, socket);
                assertThat(take(stream, 2)).containsExactly("job.created " + first, "job.finished " + first);
                second = runJob(hub, tenant, session, agent, socket);
                Event created = stream.next(WAIT);
                assertThat(created.type() + " " + created.json().path("jobId").asText())
                        .isEqualTo("job.created " + second);
                lastSeen = created.id(); // the id the client holds: its last event's
            } // the connection drops: the second job's end and everything after are missed
            String third = runJob(hub, tenant, session, agent, socket);
            String fourth = runJob(hub, tenant, session, agent, socket);

            try (EventStream resumed = open(hub, events(tenant), key, Map.of("Last-Event-ID", lastSeen))) {
                assertThat(resumed.status()).as(resumed.body()).isEqualTo(200);
                assertThat(resumed.next(WAIT).type()).isEqualTo("ready");
                assertThat(take(resumed, 5))
                        .as("exactly the missed events, in order, none seen before")
                        .containsExactly(
                                "job.finished " + second,
                                "job.created " + third,
                                "job.finished " + third,
                                "job.created " + fourth,
                                "job.finished " + fourth);
                // nothing else was queued: the next event is a new job's
                String fifth = runJob(hub, tenant, session, agent, socket);
                assertThat(take(resumed, 2)).containsExactly("job.created " + fifth, "job.finished " + fifth);
            }
        }
    }

    @Test
    void aSessionsStreamCarriesOnlyThatSessionsJobs() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String mine = hub.newSession(tenant);
        String other = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String key = hub.tenantKey(tenant, "viewer");
        try (AgentSocket socket = hub.connectReady(agent, "sys.ping");
                EventStream stream =
                        open(hub, "/api/v1/tenants/" + tenant + "/sessions/" + mine + "/events", key, Map.of())) {
            assertThat(stream.status()).as(stream.body()).isEqualTo(200);
            assertThat(stream.next(WAIT).json().path("sessionId").asText()).isEqualTo(mine);
            String elsewhere = runJob(hub, tenant, other, agent, socket);
            String here = runJob(hub, tenant, mine, agent, socket);
            assertThat(take(stream, 2))
                    .as("the other session's job (made first) is not sent")
                    .containsExactly("job.created " + here, "job.finished " + here)
                    .noneMatch(s -> s.endsWith(elsewhere));
        }
    }

    @Test
    void aRevokedKeysStreamIsClosedBeforeItsNextEvent() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        var issued =
                hub.api().post("/api/v1/tenants/" + tenant + "/api-keys", hub.platformKey(), Map.of("role", "viewer"));
        try (AgentSocket socket = hub.connectReady(agent, "sys.ping");
                EventStream stream = open(hub, events(tenant), issued.get("key"), Map.of())) {
            assertThat(stream.next(WAIT).type()).isEqualTo("ready");
            var revoked =
                    hub.api().delete("/api/v1/tenants/" + tenant + "/api-keys/" + issued.get("id"), hub.platformKey());
            assertThat(revoked.status()).as(revoked.text()).isEqualTo(204);
            // another node may remember a key it authenticated for a second (CachedApiKeyStore): wait that out
            org.awaitility.Awaitility.await()
                    .atMost(WAIT)
                    .until(() -> hub.api()
                                    .get("/api/v1/tenants/" + tenant, issued.get("key"))
                                    .status()
                            == 401);
            runJob(hub, tenant, session, agent, socket);
            Event closed = stream.next(WAIT);
            assertThat(closed.type()).as("no job event reaches a revoked key").isEqualTo("closed");
            assertThat(closed.json().path("code").asText()).isNotBlank();
            assertThat(stream.poll(Duration.ofSeconds(2)))
                    .as("the stream ended")
                    .isNull();
        }
    }

    @Test
    void aBadOrExpiredLastEventIdAndAnUnknownSessionAreRefusedBeforeTheStream() {
        TestHub hub = hub();
        String tenant = hub.newTenant();
        String key = hub.tenantKey(tenant, "viewer");
        try (EventStream bad = open(hub, events(tenant), key, Map.of("Last-Event-ID", "42"))) {
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.body()).contains("bad_last_event_id").contains("reconnect without it");
        }
        String old =
                new EventCursor(Instant.now().minus(JobEvents.REPLAY_WINDOW).minusSeconds(60), Map.of()).encode();
        try (EventStream expired = open(hub, events(tenant), key, Map.of("Last-Event-ID", old))) {
            assertThat(expired.status()).isEqualTo(410);
            assertThat(expired.body()).contains("last_event_id_expired").contains("7 days");
        }
        String now;
        try (EventStream fresh = open(hub, events(tenant), key, Map.of())) {
            now = fresh.next(WAIT).id();
        }
        EventCursor position = EventCursor.decode(now);
        assertThat(position.seqs())
                .as("the tenant's chains (its keys' creation)")
                .isNotEmpty();
        EventCursor beyond = position;
        for (var e : position.seqs().entrySet()) {
            beyond = beyond.with(e.getKey(), e.getValue() + 1_000_000);
        }
        String ahead = beyond.encode();
        try (EventStream unknown = open(hub, events(tenant), key, Map.of("Last-Event-ID", ahead))) {
            assertThat(unknown.status())
                    .as("a position this tenant never reached")
                    .isEqualTo(400);
        }
        try (EventStream none = open(hub, "/api/v1/tenants/" + tenant + "/sessions/ses_nope/events", key, Map.of())) {
            assertThat(none.status()).isEqualTo(404);
            assertThat(none.body()).contains("session_not_found");
        }
        try (EventStream anonymous = open(hub, events(tenant), null, Map.of())) {
            assertThat(anonymous.status()).isEqualTo(401);
        }
    }
}
