package io.enginex.edge.server.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.client.ApiException;
import io.enginex.edge.client.Job;
import io.enginex.edge.client.JobChannel;
import io.enginex.edge.client.JobRequest;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TcpProxy;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client SDK's runtime channel ({@link JobChannel}) against a real in-process hub and a test
 * agent: many jobs over one WebSocket each get their result; a link dropped mid-way is reopened and
 * the jobs not yet seen to end are submitted again with the same keys, so each runs once; another
 * tenant's key and a bad submit get the hub's typed refusal.
 */
class JobChannelIT {
    static final Duration WAIT = Duration.ofSeconds(20);

    /**
     * The channel's keep-alive where a test drops or stalls its link: a dead socket is noticed within
     * about four of these whether or not the JDK reports the close (it does not always).
     */
    static final Duration KEEP_ALIVE = Duration.ofMillis(250);

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

    private record Setup(String tenant, String session, TestAgent agent, String key) {}

    private static Setup setup() {
        String tenant = hub.newTenant();
        return new Setup(tenant, hub.newSession(tenant), hub.register(tenant), hub.tenantKey(tenant, "operator"));
    }

    /** Answers {@code dispatch} with its own {@code n} argument echoed. */
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

    private static List<CompletableFuture<Job>> submitAll(JobChannel channel, Setup s, int n) {
        List<CompletableFuture<Job>> jobs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            jobs.add(channel.submit(
                    s.session(), JobRequest.of(s.agent().agentId(), "sys.ping").withArgs(Map.of("n", "job-" + i))));
        }
        return jobs;
    }

    private static void assertEachSucceededWithItsOwnOutput(List<CompletableFuture<Job>> jobs) throws Exception {
        for (int i = 0; i < jobs.size(); i++) {
            Job job = jobs.get(i).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(job.succeeded()).as(job.json().toString()).isTrue();
            assertThat(job.output().path("echo").asText()).isEqualTo("job-" + i);
        }
    }

    /** A proxy in front of the hub, whose link a test drops or stalls. */
    private static TcpProxy proxyToHub() {
        URI url = URI.create(hub.url());
        return TcpProxy.to(url.getHost(), url.getPort());
    }

    /** The tenant's channel through {@code link}: reconnects retried often and fast, a short keep-alive. */
    private static JobChannel openThrough(TcpProxy link, Setup s) {
        return EdgeClientIT.client("http://127.0.0.1:" + link.port(), s.key())
                .withRetryPolicy(EdgeClientIT.FAST.withMaxAttempts(200))
                .openChannel(s.tenant(), KEEP_ALIVE);
    }

    /** The next {@code n} dispatches the agent receives. */
    private static List<Dispatch> dispatches(AgentSocket agent, int n) {
        List<Dispatch> dispatches = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            dispatches.add(agent.expect(Dispatch.class));
        }
        return dispatches;
    }

    private static List<String> jobsOfSession(Setup s) {
        return EdgeClientIT.client(hub.url(), s.key()).session(s.tenant(), s.session()).jobs().stream()
                .map(Job::id)
                .toList();
    }

    @Test
    void manyJobsOverOneChannelEachGetTheirResult() throws Exception {
        Setup s = setup();
        int n = 20;
        try (AgentSocket agent = hub.connectReady(s.agent(), "sys.ping");
                // Reconnects are retried often and fast: while the link is down each attempt fails at once.
                JobChannel channel = EdgeClientIT.client(hub.url(), s.key()).openChannel(s.tenant())) {
            List<CompletableFuture<Job>> jobs = submitAll(channel, s, n);
            for (int i = 0; i < n; i++) {
                answer(agent, agent.expect(Dispatch.class));
            }

            assertEachSucceededWithItsOwnOutput(jobs);
            assertThat(jobs).extracting(f -> f.join().id()).doesNotHaveDuplicates();
            assertThat(channel.connects()).isEqualTo(1);
            assertThat(channel.pending()).isZero();
        }
        assertThat(jobsOfSession(s)).hasSize(n);
    }

    @Test
    void aLinkDroppedMidwayIsReopenedAndEveryJobRunsExactlyOnce() throws Exception {
        Setup s = setup();
        int n = 12;
        try (TcpProxy link = proxyToHub();
                AgentSocket agent = hub.connectReady(s.agent(), "sys.ping");
                JobChannel channel = openThrough(link, s)) {
            List<CompletableFuture<Job>> jobs = submitAll(channel, s, n);
            // Every job is made (its dispatch reached the agent) before the link drops.
            List<Dispatch> dispatches = dispatches(agent, n);
            for (Dispatch d : dispatches.subList(0, n / 2)) {
                answer(agent, d);
            }

            link.down(); // the socket drops; ends pushed from now on are lost with it
            for (Dispatch d : dispatches.subList(n / 2, n)) {
                answer(agent, d);
            }
            await().atMost(WAIT)
                    .until(() -> dispatches.stream()
                            .allMatch(d -> hub.job(s.tenant(), d.jobId())
                                    .path("state")
                                    .asText()
                                    .equals("succeeded")));
            link.forward();

            assertEachSucceededWithItsOwnOutput(jobs);
            assertThat(channel.connects()).isGreaterThanOrEqualTo(2);
            assertThat(jobs)
                    .extracting(f -> f.join().id())
                    .containsExactlyInAnyOrderElementsOf(
                            dispatches.stream().map(Dispatch::jobId).toList());
        }
        assertThat(jobsOfSession(s)).as("each job made once").hasSize(n);
    }

    @Test
    void aLinkThatFallsSilentWithoutACloseIsNoticedByTheKeepAliveAndReopened() throws Exception {
        Setup s = setup();
        int n = 6;
        try (TcpProxy link = proxyToHub();
                AgentSocket agent = hub.connectReady(s.agent(), "sys.ping");
                JobChannel channel = openThrough(link, s)) {
            List<CompletableFuture<Job>> jobs = submitAll(channel, s, n);
            List<Dispatch> dispatches = dispatches(agent, n);

            // A half-open link: the socket stays open but nothing crosses it, and no close comes.
            link.stall();
            for (Dispatch d : dispatches) {
                answer(agent, d);
            }
            // The channel gives up on the silent socket and dials again (the new dial stalls too).
            await().atMost(WAIT).until(() -> link.accepted() >= 2);
            link.forward();

            assertEachSucceededWithItsOwnOutput(jobs);
            assertThat(channel.connects()).isGreaterThanOrEqualTo(2);
            assertThat(channel.pending()).isZero();
        }
        assertThat(jobsOfSession(s)).as("each job made once").hasSize(n);
    }

    @Test
    void anotherTenantsKeyAndABadSubmitGetTheHubsTypedRefusal() throws Exception {
        Setup s = setup();
        String stranger = hub.tenantKey(hub.newTenant(), "owner");

        assertThatThrownBy(() -> EdgeClientIT.client(hub.url(), stranger).openChannel(s.tenant()))
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.status()).isEqualTo(404);
                    assertThat(e.path()).endsWith("/tenants/" + s.tenant() + "/runtime");
                });
        assertThatThrownBy(() -> EdgeClientIT.client(hub.url(), hub.tenantKey(s.tenant(), "viewer"))
                        .openChannel(s.tenant()))
                .isInstanceOfSatisfying(
                        ApiException.class, e -> assertThat(e.status()).isEqualTo(403));

        try (JobChannel channel = EdgeClientIT.client(hub.url(), s.key()).openChannel(s.tenant())) {
            CompletableFuture<Job> noSession =
                    channel.submit("ses_nope", JobRequest.of(s.agent().agentId(), "sys.ping"));
            assertThatThrownBy(() -> noSession.get(WAIT.toSeconds(), TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .cause()
                    .isInstanceOfSatisfying(ApiException.class, e -> {
                        assertThat(e.status()).isEqualTo(404);
                        assertThat(e.code()).isEqualTo("session_not_found");
                        assertThat(e.hubMessage()).isNotBlank();
                    });
            assertThat(channel.pending()).isZero();
        }
    }
}
