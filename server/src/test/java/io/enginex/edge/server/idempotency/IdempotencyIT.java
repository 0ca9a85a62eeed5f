package io.enginex.edge.server.idempotency;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.HubSecret;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.job.JobRequest;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Idempotency-Key} on the create routes, against a real hub on H2: a retry gets the first
 * answer and runs nothing again, whatever happened between the first commit and its response.
 */
class IdempotencyIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static String tenant;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir.resolve("hub"));
        tenant = hub.newTenant();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static Response post(String path, String apiKey, String idempotencyKey, Object body) {
        return hub.api().exchange("POST", path, apiKey, Map.of("Idempotency-Key", idempotencyKey), body);
    }

    @Test
    void aRetriedJobGetsTheFirstAnswerAndIsSentOnce() {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String session = hub.newSession(tenant);
            String path = "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs";
            Map<String, Object> body = Map.of(
                    "agentId", agent.agentId(), "tool", "fs.list", "args", Map.of("path", "."), "timeoutSeconds", 30);
            String key = UUID.randomUUID().toString();

            Response first = post(path, hub.platformKey(), key, body);
            Response retry = post(path, hub.platformKey(), key, body);

            assertThat(first.status()).as(first.text()).isEqualTo(201);
            assertThat(retry.status()).as(retry.text()).isEqualTo(201);
            assertThat(retry.text()).isEqualTo(first.text());
            assertThat(first.headers().firstValue("Idempotent-Replayed")).isEmpty();
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
            assertThat(socket.expect(Dispatch.class).jobId()).isEqualTo(first.get("id"));
            var jobs = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/sessions/" + session, hub.platformKey())
                    .body()
                    .path("jobs");
            assertThat(jobs).hasSize(1);
        }
    }

    @Test
    void sessionsApiKeysAndRegistrationTokensAreMadeOncePerKey() {
        for (var create : List.of(new String[] {"/sessions", "id"}, new String[] {"/api-keys", "key"}, new String[] {
            "/registration-tokens", "token"
        })) {
            String path = "/api/v1/tenants/" + tenant + create[0];
            String key = UUID.randomUUID().toString();
            Response first = post(path, hub.platformKey(), key, Map.of());
            Response retry = post(path, hub.platformKey(), key, Map.of());
            assertThat(first.status()).as(first.text()).isEqualTo(201);
            assertThat(retry.text()).as(path).isEqualTo(first.text());
            assertThat(retry.get(create[1])).isNotBlank().isEqualTo(first.get(create[1]));
            assertThat(retry.headers().firstValue("Cache-Control"))
                    .isEqualTo(first.headers().firstValue("Cache-Control"));
        }
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/registration-tokens", hub.platformKey())
                        .body())
                .hasSize(1);
    }

    @Test
    void theSameKeyOnAnotherBodyIsRefusedWith422() {
        String path = "/api/v1/tenants/" + tenant + "/sessions";
        String key = UUID.randomUUID().toString();
        assertThat(post(path, hub.platformKey(), key, Map.of("name", "first")).status())
                .isEqualTo(201);

        Response other = post(path, hub.platformKey(), key, Map.of("name", "second"));

        assertThat(other.status()).as(other.text()).isEqualTo(422);
        assertThat(other.code()).isEqualTo("idempotency_key_reused");
        assertThat(other.message()).contains("new key");
    }

    @Test
    void aMalformedKeyIsABadRequest() {
        Response r = post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), "x".repeat(300), Map.of());
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("invalid_idempotency_key");
    }

    @Test
    void tenantsAndCallersDoNotShareKeys() {
        String other = hub.newTenant();
        String key = UUID.randomUUID().toString();
        Response a = post("/api/v1/tenants/" + tenant + "/sessions", hub.tenantKey(tenant, "operator"), key, Map.of());
        Response b = post("/api/v1/tenants/" + other + "/sessions", hub.tenantKey(other, "operator"), key, Map.of());
        Response platformInA = post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), key, Map.of());

        for (Response r : List.of(a, b, platformInA)) {
            assertThat(r.status()).as(r.text()).isEqualTo(201);
            assertThat(r.headers().firstValue("Idempotent-Replayed")).isEmpty();
        }
        assertThat(List.of(a.get("id"), b.get("id"), platformInA.get("id"))).doesNotHaveDuplicates();
    }

    @Test
    void aKeySurvivesAHubRestart() {
        Path data = dir.resolve("restart");
        String key = UUID.randomUUID().toString();
        String first;
        String otherTenant;
        try (TestHub before = TestHub.start(data)) {
            otherTenant = before.newTenant();
            first = before.api()
                    .exchange(
                            "POST",
                            "/api/v1/tenants/" + otherTenant + "/sessions",
                            before.platformKey(),
                            Map.of("Idempotency-Key", key),
                            Map.of("name", "n"))
                    .text();
        }
        try (TestHub after = TestHub.start(data)) {
            Response retry = after.api()
                    .exchange(
                            "POST",
                            "/api/v1/tenants/" + otherTenant + "/sessions",
                            after.platformKey(),
                            Map.of("Idempotency-Key", key),
                            Map.of("name", "n"));
            assertThat(retry.status()).isEqualTo(201);
            assertThat(retry.text()).isEqualTo(first);
        }
    }

    /**
     * The first request commits and its answer is lost (the hub died before writing it): done here
     * through the hub's own store and secret, as the route would; the client's retry over HTTP gets
     * that first answer and no second session.
     */
    @Test
    void aRetryAfterACrashBetweenCommitAndResponseGetsTheFirstAnswer() throws Exception {
        String principal = hub.api().get("/api/v1/me", hub.platformKey()).get("id");
        String path = "/api/v1/tenants/" + tenant + "/sessions";
        String body = "{\"name\":\"lost answer\"}";
        String key = UUID.randomUUID().toString();
        IdempotentCreates creates = sameAsHub(Clock.systemUTC());
        Answer lost = creates.create(
                new IdempotentRequest(tenant, principal, key, "POST", path, body.getBytes(StandardCharsets.UTF_8)),
                Creation.of(
                        () -> hub.hub()
                                .stores()
                                .sessions()
                                .create(new Session(
                                        "ses_lost" + key.substring(0, 8),
                                        tenant,
                                        "lost answer",
                                        principal,
                                        Instant.now())),
                        s -> Answer.of(201, s.id(), "{\"id\":\"" + s.id() + "\"}")));

        Response retry = hub.api()
                .exchange(
                        "POST",
                        path,
                        hub.platformKey(),
                        Map.of("Idempotency-Key", key, "Content-Type", "application/json"),
                        null);
        Response retryWithBody = hub.api()
                .exchange(
                        "POST", path, hub.platformKey(), Map.of("Idempotency-Key", key), TestHub.MAPPER.readTree(body));

        assertThat(retry.status()).as("no body is another request").isEqualTo(422);
        assertThat(retryWithBody.status()).as(retryWithBody.text()).isEqualTo(201);
        assertThat(retryWithBody.get("id")).isEqualTo(lost.resourceId());
        assertThat(retryWithBody.headers().firstValue("Idempotent-Replayed")).contains("true");
    }

    /**
     * The first request commits its job and its node dies before sending it (its after-commit work
     * never runs; on one node nothing else sends a queued job to a connected agent): the client's
     * retry, answered from the key, sends the job.
     */
    @Test
    void aRetryAfterTheFirstNodeDiedBeforeSendingTheJobSendsIt() throws Exception {
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String session = hub.newSession(tenant);
            String path = "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs";
            JsonNode body = TestHub.MAPPER.valueToTree(Map.of(
                    "agentId", agent.agentId(), "tool", "fs.list", "args", Map.of("path", "."), "timeoutSeconds", 30));
            String key = UUID.randomUUID().toString();
            String principal = hub.api().get("/api/v1/me", hub.platformKey()).get("id");
            Creation<Job> made = hub.hub()
                    .application()
                    .jobs()
                    .newJob(
                            new Caller(principal, null, Role.PLATFORM_ADMIN),
                            tenant,
                            session,
                            new JobRequest(agent.agentId(), "fs.list", body.get("args"), Duration.ofSeconds(30)),
                            job -> Answer.of(201, job.id(), "{\"id\":\"" + job.id() + "\"}"));
            Answer first = sameAsHub(Clock.systemUTC())
                    .create(
                            new IdempotentRequest(
                                    tenant, principal, key, "POST", path, TestHub.MAPPER.writeValueAsBytes(body)),
                            diesAfterCommit(made));

            Response retry = hub.api().exchange("POST", path, hub.platformKey(), Map.of("Idempotency-Key", key), body);

            assertThat(retry.status()).as(retry.text()).isEqualTo(201);
            assertThat(retry.headers().firstValue("Idempotent-Replayed")).contains("true");
            assertThat(socket.expect(Dispatch.class).jobId())
                    .as("the retry sent the job that its first node never sent")
                    .isEqualTo(first.resourceId());
        }
    }

    /** {@code creation} as if its node died right after the commit: its after-commit work never runs. */
    static <T> Creation<T> diesAfterCommit(Creation<T> creation) {
        Creation<T> ready = creation.prepared();
        return Creation.of(ready::write, ready::answer, created -> created);
    }

    @Test
    void aSecondRequestWhileTheFirstRunsIsAConflict() throws Exception {
        IdempotentCreates creates = sameAsHub(Clock.systemUTC());
        var request = new IdempotentRequest(tenant, "key_test", "k-" + UUID.randomUUID(), "POST", "/x", new byte[0]);
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        CompletableFuture<Answer> first = CompletableFuture.supplyAsync(() -> creates.create(
                request,
                Creation.of(
                        () -> {
                            inside.countDown();
                            await(release);
                            return "ses_slow";
                        },
                        id -> Answer.of(201, id, "{}"))));
        assertThat(inside.await(30, TimeUnit.SECONDS)).isTrue();

        assertThatThrownBy(() ->
                        creates.create(request, Creation.of(() -> "ses_second", id -> Answer.of(201, id, "{}"))))
                .isInstanceOfSatisfying(
                        HubException.Conflict.class, e -> assertThat(e.code()).isEqualTo("idempotency_key_in_use"));

        release.countDown();
        assertThat(first.get(30, TimeUnit.SECONDS).resourceId()).isEqualTo("ses_slow");
        Answer after = creates.create(request, Creation.of(() -> "ses_third", id -> Answer.of(201, id, "{}")));
        assertThat(after.resourceId()).isEqualTo("ses_slow");
        assertThat(after.replayed()).isTrue();
    }

    @Test
    void keysOlderThanTheRetentionAreSwept() {
        FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
        IdempotentCreates creates = sameAsHub(clock);
        var request = new IdempotentRequest(tenant, "key_sweep", "k-" + UUID.randomUUID(), "POST", "/x", new byte[0]);
        creates.create(request, Creation.of(() -> "ses_a", id -> Answer.of(201, id, "{}")));

        clock.advance(IdempotentCreates.RETENTION.minus(Duration.ofMinutes(1)));
        creates.sweep();
        assertThat(creates.create(request, Creation.of(() -> "ses_b", id -> Answer.of(201, id, "{}")))
                        .resourceId())
                .as("kept for the retention")
                .isEqualTo("ses_a");

        clock.advance(Duration.ofMinutes(2));
        creates.sweep();
        assertThat(creates.create(request, Creation.of(() -> "ses_c", id -> Answer.of(201, id, "{}")))
                        .resourceId())
                .as("swept after it")
                .isEqualTo("ses_c");
    }

    /** A second instance over the hub's own database and secret: what a restarted hub would have. */
    static IdempotentCreates sameAsHub(Clock clock) {
        var stores = (JdbcStores) hub.hub().stores();
        var secret = HubSecret.loadOrCreate(hub.hub().config().dataDir().resolve("hub.secret"), new SecureRandom());
        return new IdempotentCreates(
                new JdbcIdempotencyStore(stores.jdbi(), stores.groupCommit()),
                secret.bytes(),
                new SecureRandom(),
                clock);
    }

    static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
