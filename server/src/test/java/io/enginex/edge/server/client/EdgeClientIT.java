package io.enginex.edge.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.client.ApiException;
import io.enginex.edge.client.EdgeClient;
import io.enginex.edge.client.EdgeException;
import io.enginex.edge.client.EventSubscription;
import io.enginex.edge.client.Job;
import io.enginex.edge.client.JobEvent;
import io.enginex.edge.client.JobEventListener;
import io.enginex.edge.client.JobRequest;
import io.enginex.edge.client.RetryPolicy;
import io.enginex.edge.client.Session;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.FaultyGateway;
import io.enginex.edge.server.testing.FaultyGateway.Fault;
import io.enginex.edge.server.testing.TcpProxy;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client SDK ({@code io.enginex.edge.client}) against a real in-process hub: a create whose
 * answers are lost is retried with the same key and makes exactly one job; another tenant's key gets
 * the hub's typed refusal; an event subscription whose connection drops resumes with {@code
 * Last-Event-ID} and misses nothing.
 */
class EdgeClientIT {
    static final Duration WAIT = Duration.ofSeconds(20);

    /** Short waits between retries: the retries, not their pace, are what is tested. */
    static final RetryPolicy FAST = RetryPolicy.DEFAULT.withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));

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

    static EdgeClient client(String url, String key) {
        return EdgeClient.builder(url)
                .apiKey(key)
                .mapper(TestHub.MAPPER)
                .retryPolicy(FAST)
                .build();
    }

    /** Answers the next dispatch on {@code socket} with {@code {"pong":true}}; returns its job id. */
    static String answer(AgentSocket socket) {
        Dispatch dispatch = socket.expect(Dispatch.class);
        socket.send(new Result(
                socket.nextId(),
                dispatch.jobId(),
                TestHub.MAPPER.createObjectNode().put("pong", true),
                null,
                Instant.now(),
                Instant.now(),
                false));
        return dispatch.jobId();
    }

    @Test
    void aCreateWhoseAnswersAreLostIsRetriedWithTheSameKeyAndMakesExactlyOneJob() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String key = hub.tenantKey(tenant, "operator");
        try (FaultyGateway gateway = FaultyGateway.in(hub);
                AgentSocket socket = hub.connectReady(agent, "sys.ping")) {
            EdgeClient edge = client(gateway.url(), key);
            Session session = edge.createSession(tenant, "sdk");
            gateway.failNext("/sessions/" + session.id() + "/jobs", Fault.LOSE_ANSWER, Fault.BAD_GATEWAY);

            Job created = edge.createJob(tenant, session.id(), JobRequest.of(agent.agentId(), "sys.ping"));

            var attempts = gateway.forwarded().stream()
                    .filter(f -> f.path().endsWith("/jobs"))
                    .toList();
            assertThat(attempts).hasSize(3);
            assertThat(attempts)
                    .extracting(FaultyGateway.Forwarded::idempotencyKey)
                    .doesNotContainNull()
                    .containsOnly(attempts.getFirst().idempotencyKey());
            assertThat(attempts.getFirst().hubStatus())
                    .as("the hub made the job on the first attempt")
                    .isEqualTo(201);
            assertThat(created.json().toString()).isNotBlank();

            assertThat(answer(socket)).isEqualTo(created.id());
            Job finished = edge.awaitJob(tenant, created.id(), WAIT);
            assertThat(finished.succeeded()).as(finished.json().toString()).isTrue();
            assertThat(finished.output().path("pong").asBoolean()).isTrue();
            assertThat(edge.session(tenant, session.id()).jobs())
                    .as("one job for three attempts")
                    .extracting(Job::id)
                    .containsExactly(created.id());
        }
    }

    @Test
    void anotherTenantsKeyIsRefusedWithTheHubsTypedError() throws InterruptedException {
        String tenant = hub.newTenant();
        String other = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "sys.ping", Map.of(), 60)
                .get("id")
                .asText();
        EdgeClient stranger = client(hub.url(), hub.tenantKey(other, "owner"));

        assertThatThrownBy(() -> stranger.job(tenant, jobId)).isInstanceOfSatisfying(ApiException.class, e -> {
            assertThat(e.status()).isEqualTo(404);
            assertThat(e.code()).isEqualTo("tenant_not_found");
            assertThat(e.hubMessage()).isNotBlank();
        });
        assertThatThrownBy(() -> stranger.createJob(tenant, session, JobRequest.of(agent.agentId(), "sys.ping")))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(404));
        assertThatThrownBy(() -> stranger.agents(tenant))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(404));

        AtomicReference<EdgeException> ended = new AtomicReference<>();
        List<JobEvent> leaked = new CopyOnWriteArrayList<>();
        try (EventSubscription events = stranger.subscribe(tenant, null, listener(leaked, ended))) {
            await().atMost(WAIT)
                    .untilAsserted(() -> assertThat(ended.get())
                            .isInstanceOfSatisfying(
                                    ApiException.class,
                                    e -> assertThat(e.status()).isEqualTo(404)));
            assertThat(events.isActive()).as("a refusal ends the subscription").isFalse();
            assertThat(events.awaitOpen(Duration.ZERO)).isFalse();
        }
        assertThat(leaked).isEmpty();
    }

    @Test
    void aSubscriptionWhoseConnectionDropsResumesWithLastEventIdAndMissesNothing() throws InterruptedException {
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String key = hub.tenantKey(tenant, "viewer");
        URI url = URI.create(hub.url());
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        AtomicReference<EdgeException> ended = new AtomicReference<>();
        try (TcpProxy link = TcpProxy.to(url.getHost(), url.getPort());
                AgentSocket socket = hub.connectReady(agent, "sys.ping");
                EventSubscription events =
                        client("http://127.0.0.1:" + link.port(), key).subscribe(tenant, null, listener(seen, ended))) {
            assertThat(events.awaitOpen(WAIT)).isTrue();
            String first = run(tenant, session, agent, socket);
            await().atMost(WAIT).until(() -> seen.size() == 2);

            link.down(); // the connection drops and the hub cannot be reached
            String second = run(tenant, session, agent, socket);
            String third = run(tenant, session, agent, socket);
            await().atMost(WAIT)
                    .until(() -> hub.job(tenant, third).path("state").asText().equals("succeeded"));
            link.forward();

            await().atMost(WAIT).until(() -> seen.size() == 6);
            assertThat(seen)
                    .extracting(e -> e.type() + " " + e.jobId())
                    .as("every event once, in order, the ones written while disconnected included")
                    .containsExactly(
                            "job.created " + first,
                            "job.finished " + first,
                            "job.created " + second,
                            "job.finished " + second,
                            "job.created " + third,
                            "job.finished " + third);
            assertThat(events.connects()).isGreaterThanOrEqualTo(2);
            assertThat(events.lastEventId()).isEqualTo(seen.getLast().lastEventId());
            assertThat(seen.getLast().state()).isEqualTo("succeeded");
            assertThat(ended.get()).isNull();
        }
    }

    private static String run(String tenant, String session, TestAgent agent, AgentSocket socket) {
        String jobId = hub.dispatch(tenant, session, agent.agentId(), "sys.ping", Map.of(), 60)
                .get("id")
                .asText();
        assertThat(answer(socket)).isEqualTo(jobId);
        // the result is committed after the answer is read: wait, so the next job's events follow this one's
        await().atMost(WAIT)
                .until(() -> hub.job(tenant, jobId).path("state").asText().equals("succeeded"));
        return jobId;
    }

    private static JobEventListener listener(List<JobEvent> seen, AtomicReference<EdgeException> ended) {
        return new JobEventListener() {
            @Override
            public void onEvent(JobEvent event) {
                seen.add(event);
            }

            @Override
            public void onEnd(EdgeException reason) {
                ended.set(reason);
            }
        };
    }
}
