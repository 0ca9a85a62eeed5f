package io.enginex.edge.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Cancel;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorInfo;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Progress;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable dispatch through the REST API to a connected test agent and back. */
class DispatchIT {
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

    static Result ok(AgentSocket socket, String jobId, String value) {
        return new Result(
                socket.nextId(),
                jobId,
                TestHub.MAPPER.createObjectNode().put("value", value),
                null,
                Instant.now(),
                Instant.now(),
                false);
    }

    @Test
    void anAgentWhoseClockIsADayOffCannotSetTheJobsTimesButItsTimesAreKeptAsTheDevices() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String acked = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "a"), 30)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            String unacked = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "b"), 30)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            Instant before = Instant.now();
            socket.send(new Ack(socket.nextId(), acked));
            await().until(() -> hub.job(tenant, acked).get("state").asText().equals("running"));
            Instant deviceStart =
                    before.minus(Duration.ofDays(1)).minusSeconds(5).truncatedTo(ChronoUnit.MILLIS);
            Instant deviceEnd = before.minus(Duration.ofDays(1)).truncatedTo(ChronoUnit.MILLIS);
            for (String id : List.of(acked, unacked)) {
                socket.send(new Result(
                        socket.nextId(),
                        id,
                        TestHub.MAPPER.createObjectNode().put("value", "x"),
                        null,
                        deviceStart,
                        deviceEnd,
                        false));
            }
            await().until(() -> hub.job(tenant, unacked).get("state").asText().equals("succeeded")
                    && hub.job(tenant, acked).get("state").asText().equals("succeeded"));
            Instant after = Instant.now();

            for (String id : List.of(acked, unacked)) {
                JsonNode job = hub.job(tenant, id);
                Instant started = Instant.parse(job.get("startedAt").asText());
                Instant finished = Instant.parse(job.get("finishedAt").asText());
                assertThat(finished).as(id).isBetween(before, after);
                assertThat(started).as(id).isBetween(before, finished);
                assertThat(Instant.parse(job.path("device").path("startedAt").asText()))
                        .as(id)
                        .isEqualTo(deviceStart);
                assertThat(Instant.parse(job.path("device").path("finishedAt").asText()))
                        .as(id)
                        .isEqualTo(deviceEnd);
            }
        }
    }

    @Test
    void jobIsDispatchedToTheConnectedAgentAndItsResultStored() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            JsonNode created = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "docs"), 30);

            assertThat(created.get("id").asText()).startsWith("job_");
            assertThat(created.get("state").asText()).isEqualTo("dispatched");
            assertThat(created.get("attempt").asInt()).isEqualTo(1);
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.tool()).isEqualTo("fs.list");
            assertThat(dispatch.args().get("path").asText()).isEqualTo("docs");
            assertThat(dispatch.attempt()).isEqualTo(1);
            assertThat(dispatch.deadline()).isAfter(Instant.now().plusSeconds(20));

            socket.send(new Ack(socket.nextId(), dispatch.jobId()));
            await().until(() ->
                    hub.job(tenant, dispatch.jobId()).get("state").asText().equals("running"));
            socket.send(new Progress(socket.nextId(), dispatch.jobId(), "half", 0.5));
            await().until(() -> hub.job(tenant, dispatch.jobId()).hasNonNull("lastProgressAt"));
            socket.send(ok(socket, dispatch.jobId(), "listing"));

            JsonNode done = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + dispatch.jobId() + "?wait=10", hub.platformKey())
                    .body();
            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            assertThat(done.get("output").get("value").asText()).isEqualTo("listing");
            assertThat(done.get("startedAt").asText()).isNotBlank();
            assertThat(done.get("finishedAt").asText()).isNotBlank();
            var sessionView = hub.api().get("/api/v1/tenants/" + tenant + "/sessions/" + session, hub.platformKey());
            assertThat(sessionView.body().get("jobs").findValuesAsText("id")).contains(dispatch.jobId());
        }
    }

    @Test
    void theDispatchSaysWhoAskedAndTheConsentEvidenceKeepsItOnTheJobAndItsPages() {
        TestAgent agent = hub.register(tenant);
        var key = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/api-keys",
                        hub.platformKey(),
                        Map.of("role", "operator", "label", "ci-bot"));
        assertThat(key.status()).as(key.text()).isEqualTo(201);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            var created = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                            key.get("key"),
                            Map.of("agentId", agent.agentId(), "tool", "fs.list", "args", Map.of("path", "docs")));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            assertThat(created.get("requestedBy")).isEqualTo("API key ci-bot");

            Dispatch dispatch = socket.expect(Dispatch.class);

            assertThat(dispatch.jobId()).isEqualTo(created.get("id"));
            assertThat(dispatch.requestedBy()).isEqualTo("API key ci-bot");
            var consent = TestHub.MAPPER
                    .createObjectNode()
                    .put("user", "alice")
                    .put("answer", "allowed")
                    .put("via", "dialog")
                    .put("answeredBy", "alice")
                    .put("askedAt", "2026-12-05T10:00:00Z")
                    .put("answeredAt", "2026-12-05T10:00:04Z")
                    .put("shown", "job " + dispatch.jobId() + " wants to run fs.list with {}, asked by API key ci-bot")
                    .put("tool", "fs.list")
                    .put("request", "r-1")
                    .put("requestedBy", "API key ci-bot");
            socket.send(new Result(
                    socket.nextId(),
                    dispatch.jobId(),
                    TestHub.MAPPER.createObjectNode().put("value", "listing"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false,
                    consent));
            JsonNode done = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + dispatch.jobId() + "?wait=10", hub.platformKey())
                    .body();
            assertThat(done.path("state").asText()).isEqualTo("succeeded");
            assertThat(done.path("requestedBy").asText()).isEqualTo("API key ci-bot");
            assertThat(done.path("consent").path("requestedBy").asText()).isEqualTo("API key ci-bot");

            var browser = hub.signedIn(tenant, "viewer");
            String sessionPage = browser.get("/ui/sessions/" + session).body();
            String jobPage = browser.get("/ui/approvals/" + dispatch.jobId()).body();
            assertThat(sessionPage).contains("<code class=\"consent-requested-by\">API key ci-bot</code>");
            assertThat(jobPage).contains("<code id=\"job-consent-requester\">API key ci-bot</code>");
            JsonNode answered = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/audit?type=consent.answered", hub.platformKey())
                    .body()
                    .path("events");
            assertThat(answered.findValues("details"))
                    .anySatisfy(d -> assertThat(d.path("requestedBy").asText()).isEqualTo("API key ci-bot"));
        }
    }

    /** What the hub's {@code enginex_jobs_waiting} gauge says: API requests in a long poll. */
    private static double longPollsWaiting() {
        String metrics = hub.api().get("/metrics", null).text();
        return metrics.lines()
                .filter(l -> l.startsWith("enginex_jobs_waiting "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.indexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no enginex_jobs_waiting in /metrics"));
    }

    @Test
    void everyJobHasAJobCreatedAuditEventNamingTheKeyThatAskedForIt() {
        TestAgent agent = hub.register(tenant);
        String operatorKey = hub.tenantKey(tenant, "operator");
        var created = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                        operatorKey,
                        Map.of("agentId", agent.agentId(), "tool", "fs.list", "args", Map.of("path", "docs")));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String jobId = created.get("id");

        JsonNode events = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=job.created", hub.platformKey())
                .body()
                .path("events");
        List<JsonNode> mine = new java.util.ArrayList<>();
        events.forEach(e -> {
            if (e.path("target").path("id").asText().equals(jobId)) {
                mine.add(e);
            }
        });
        assertThat(mine).hasSize(1);
        JsonNode event = mine.getFirst();
        assertThat(event.path("actor").path("type").asText()).isEqualTo("api_key");
        JsonNode keys = hub.api()
                .get("/api/v1/tenants/" + tenant + "/api-keys", hub.platformKey())
                .body();
        assertThat(keys.findValuesAsText("id"))
                .contains(event.path("actor").path("id").asText());
        assertThat(event.path("details").path("tool").asText()).isEqualTo("fs.list");
        assertThat(event.path("details").path("agentId").asText()).isEqualTo(agent.agentId());
    }

    @Test
    void longPollReturnsAsSoonAsTheResultArrives() throws Exception {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            // The poll would end by itself after 60 s; only the result can end it within 45 s.
            var poll = CompletableFuture.supplyAsync(() ->
                    hub.api().get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=60", hub.platformKey()));
            await().atMost(Duration.ofSeconds(30)).until(() -> longPollsWaiting() >= 1);
            assertThat(poll).isNotDone();

            socket.send(ok(socket, jobId, "late"));

            var answer = poll.get(45, TimeUnit.SECONDS);
            assertThat(answer.body().get("state").asText()).isEqualTo("succeeded");
            assertThat(answer.body().get("output").get("value").asText()).isEqualTo("late");
        }
    }

    @Test
    void longPollOnAnUnfinishedJobReturnsItWhenTheWaitEnds() {
        TestAgent agent = hub.register(tenant);
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60)
                .get("id")
                .asText();

        var r = hub.api().get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=1", hub.platformKey());

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.get("state")).isEqualTo("queued");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=61", hub.platformKey())
                        .status())
                .isEqualTo(400);
    }

    @Test
    void jobsForAnotherTenantsAgentAreNotFoundWithEitherTenantsKey() {
        String a = hub.newTenant();
        String b = hub.newTenant();
        String keyA = hub.tenantKey(a, "operator");
        String keyB = hub.tenantKey(b, "operator");
        TestAgent agentOfB = hub.register(b);
        String sessionOfA = hub.api()
                .post("/api/v1/tenants/" + a + "/sessions", keyA, Map.of())
                .get("id");

        var viaA = hub.api()
                .post(
                        "/api/v1/tenants/" + a + "/sessions/" + sessionOfA + "/jobs",
                        keyA,
                        Map.of("agentId", agentOfB.agentId(), "tool", "fs.list"));
        var viaBIntoA = hub.api()
                .post(
                        "/api/v1/tenants/" + a + "/sessions/" + sessionOfA + "/jobs",
                        keyB,
                        Map.of("agentId", agentOfB.agentId(), "tool", "fs.list"));
        var agentsOfBviaA = hub.api().get("/api/v1/tenants/" + b + "/agents", keyA);

        assertThat(viaA.status()).isEqualTo(404);
        assertThat(viaA.code()).isEqualTo("agent_not_found");
        assertThat(viaBIntoA.status()).isEqualTo(404);
        assertThat(viaBIntoA.code()).isEqualTo("tenant_not_found");
        assertThat(agentsOfBviaA.status()).isEqualTo(404);
        assertThat(agentsOfBviaA.code()).isEqualTo("tenant_not_found");
    }

    @Test
    void unknownToolNamesTheToolsTheAgentOffersAndBadArgsAreRefused() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list", "fs.read")) {
            String path = "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs";
            var unknown =
                    hub.api().post(path, hub.platformKey(), Map.of("agentId", agent.agentId(), "tool", "shell.run"));
            var badArgs = hub.api()
                    .post(
                            path,
                            hub.platformKey(),
                            Map.of("agentId", agent.agentId(), "tool", "fs.list", "args", List.of(1, 2)));
            var badTimeout = hub.api()
                    .post(
                            path,
                            hub.platformKey(),
                            Map.of("agentId", agent.agentId(), "tool", "fs.list", "timeoutSeconds", 0));
            var noAgent = hub.api().post(path, hub.platformKey(), Map.of("agentId", "agt_nobody", "tool", "fs.list"));

            assertThat(socket.isClosed()).isFalse();
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.code()).isEqualTo("unknown_tool");
            assertThat(unknown.message()).contains("fs.list, fs.read");
            assertThat(badArgs.status()).isEqualTo(400);
            assertThat(badArgs.code()).isEqualTo("bad_request");
            assertThat(badArgs.message()).contains("args");
            assertThat(badTimeout.status()).isEqualTo(400);
            assertThat(badTimeout.message()).contains("timeoutSeconds");
            assertThat(noAgent.status()).isEqualTo(404);
            assertThat(noAgent.code()).isEqualTo("agent_not_found");
        }
    }

    @Test
    void unfinishedJobsAreRedeliveredAfterReconnectAndTheFirstResultWins() {
        TestAgent agent = hub.register(tenant);
        String jobId;
        try (AgentSocket first = hub.connectReady(agent, "fs.list")) {
            jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60)
                    .get("id")
                    .asText();
            assertThat(first.expect(Dispatch.class).attempt()).isEqualTo(1);
            first.send(new Ack(first.nextId(), jobId));
        }
        try (AgentSocket second = hub.connectReady(agent, "fs.list")) {
            Dispatch again = second.expect(Dispatch.class);
            assertThat(again.jobId()).isEqualTo(jobId);
            assertThat(again.attempt()).isEqualTo(2);

            second.send(new Result(
                    second.nextId(),
                    jobId,
                    TestHub.MAPPER.createObjectNode().put("value", "first"),
                    null,
                    Instant.now(),
                    Instant.now(),
                    true));
            await().until(() -> hub.job(tenant, jobId).get("state").asText().equals("succeeded"));
            second.send(new Result(
                    second.nextId(),
                    jobId,
                    null,
                    new ErrorInfo("tool_failed", "late"),
                    Instant.now(),
                    Instant.now(),
                    false));
            second.send(ok(second, "job_other", "noise"));
            hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60);
            second.expect(Dispatch.class);
        }
        JsonNode job = hub.job(tenant, jobId);
        assertThat(job.get("state").asText()).isEqualTo("succeeded");
        assertThat(job.get("output").get("value").asText()).isEqualTo("first");
        assertThat(job.get("replayed").asBoolean()).isTrue();
        assertThat(job.get("attempt").asInt()).isEqualTo(2);
    }

    @Test
    void jobCreatedWhileTheAgentIsAwayIsDeliveredOnItsHello() {
        TestAgent agent = hub.register(tenant);
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60)
                .get("id")
                .asText();
        assertThat(hub.job(tenant, jobId).get("state").asText()).isEqualTo("queued");

        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(jobId);
            assertThat(dispatch.attempt()).isEqualTo(1);
        }
    }

    @Test
    void resultForAnotherAgentsJobChangesNothing() {
        TestAgent owner = hub.register(tenant);
        TestAgent intruder = hub.register(tenant);
        try (AgentSocket ownerSocket = hub.connectReady(owner, "fs.list");
                AgentSocket intruderSocket = hub.connectReady(intruder, "fs.list")) {
            String jobId = hub.dispatch(tenant, session, owner.agentId(), "fs.list", Map.of(), 60)
                    .get("id")
                    .asText();
            ownerSocket.expect(Dispatch.class);

            intruderSocket.send(ok(intruderSocket, jobId, "forged"));
            ownerSocket.send(ok(ownerSocket, jobId, "genuine"));

            await().until(() -> hub.job(tenant, jobId).get("state").asText().equals("succeeded"));
            assertThat(hub.job(tenant, jobId).get("output").get("value").asText())
                    .isEqualTo("genuine");
        }
    }

    @Test
    void jobPastItsDeadlineTimesOutAndTheAgentIsToldToCancel() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 1)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            socket.send(new Ack(socket.nextId(), jobId));

            Cancel cancel = socket.expect(Cancel.class);
            assertThat(cancel.jobId()).isEqualTo(jobId);
            JsonNode job = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=5", hub.platformKey())
                    .body();
            assertThat(job.get("state").asText()).isEqualTo("timed_out");
            socket.send(ok(socket, jobId, "too late"));
            // Frames of one socket are handled in order: the pong proves the late result was handled.
            socket.send(new Ping("a-after-late-result"));
            assertThat(socket.expect(Pong.class).replyTo()).isEqualTo("a-after-late-result");
            assertThat(hub.job(tenant, jobId).get("state").asText()).isEqualTo("timed_out");
        }
    }
}
