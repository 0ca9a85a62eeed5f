package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.RecordingTool;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.ToolDescriptor;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubConnectionIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private FakeHub hub;
    private AgentIdentity identity;
    private final RecordingTool tool = new RecordingTool();
    private AgentHarness agent;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        identity = TestIdentities.create("agt_it", hub.url());
        hub.knowAgent(identity.agentId(), identity.publicKey());
    }

    @AfterEach
    void stopAll() throws Exception {
        tool.release();
        if (agent != null) {
            agent.close();
        }
        hub.close();
    }

    @Test
    void helloCarriesTheMachineTheToolsAndThePolicyHash() {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        Hello hello = hub.await(Hello.class, h -> true, WAIT);
        assertThat(hello.protocol()).isEqualTo(Protocol.VERSION);
        assertThat(hello.os()).isEqualTo(System.getProperty("os.name"));
        assertThat(hello.arch()).isEqualTo(System.getProperty("os.arch"));
        assertThat(hello.hostname()).isNotBlank();
        assertThat(hello.agentVersion()).isNotBlank();
        assertThat(hello.tools())
                .extracting(ToolDescriptor::name)
                .containsExactly("sys.info", "sys.ping", "test.record");
        assertThat(hello.tools().getFirst().inputSchema().path("type").asText()).isEqualTo("object");
        assertThat(hello.policyHash()).startsWith("sha256:").isEqualTo(agent.profile.policyHash());
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        assertThat(agent.welcomes.getFirst().agentId()).isEqualTo("agt_it");
    }

    @Test
    void dispatchIsAckedThenAnswered() {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        hub.send(hub.dispatch("job_1", "sys.info", JsonNodeFactory.instance.objectNode(), Duration.ofSeconds(10)));

        Result result = hub.await(Result.class, r -> r.jobId().equals("job_1"), WAIT);
        assertThat(result.ok()).isTrue();
        assertThat(result.replayed()).isFalse();
        assertThat(result.output().path("cpus").asInt()).isPositive();
        List<Message> frames = hub.received();
        int ack = indexOf(frames, Ack.class, "job_1");
        assertThat(ack).isNotNegative().isLessThan(frames.indexOf(result));
    }

    @Test
    void aSilentHubIsDetectedWithinTwoHeartbeatsAndTheAgentReconnects() {
        hub.heartbeatMillis(200);
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        hub.await(Ping.class, p -> true, WAIT); // the agent's own heartbeat

        hub.silent(true); // half-open: the hub stops answering and sending
        // Gave up and is reconnecting (how soon is HeartbeatTest's business, on a controllable clock).
        await().atMost(WAIT).until(() -> hub.tokenRequests().size() >= 2);

        hub.silent(false);
        await().atMost(WAIT).until(() -> agent.welcomes.size() >= 2);
        assertThat(hub.received(Hello.class, h -> true)).hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void failedAttemptsAreSpacedByExponentialBackoff() {
        hub.refuseTokensWith("server_busy");
        // Always draw the top of the jitter window, so the delays are exactly 50, 100, 200, 200 ms.
        agent = start(AgentHarness.fastSettings(), topOfWindow());
        await().atMost(WAIT).until(() -> hub.tokenRequests().size() >= 5);
        List<Instant> at = hub.tokenRequests();
        long[] expected = {50, 100, 200, 200};
        for (int i = 0; i < expected.length; i++) {
            long gap = Duration.between(at.get(i), at.get(i + 1)).toMillis();
            assertThat(gap).as("gap %d", i).isBetween(expected[i] - 5, expected[i] + 400);
        }
        hub.refuseTokensWith(null);
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
    }

    @Test
    void clockSkewIsRetriedNotFatal() {
        hub.refuseTokensWith("clock_skew");
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(3));
        await().atMost(WAIT).until(() -> hub.tokenRequests().size() >= 3);
        assertThat(agent.outcome()).isNotDone();
        hub.refuseTokensWith(null);
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
    }

    @Test
    void revocationCloseStopsTheAgentForGood() throws Exception {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        hub.revoke(identity.agentId());

        ConnectionOutcome outcome = agent.outcome().get(10, TimeUnit.SECONDS);
        assertThat(outcome.kind()).isEqualTo(ConnectionOutcome.Kind.REVOKED);
        assertThat(outcome.message()).contains("revoked", "enginex-agent register --force");
        // The loop has returned, so it can make no further attempt: the one token request it made
        // (for the connection that was revoked) is all there will ever be.
        assertThat(hub.tokenRequests())
                .as("token requests, i.e. connection attempts")
                .hasSize(1);
    }

    @Test
    void revokedAtTheTokenEndpointAlsoStopsTheAgent() throws Exception {
        hub.revoke(identity.agentId());
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        ConnectionOutcome outcome = agent.outcome().get(10, TimeUnit.SECONDS);
        assertThat(outcome.kind()).isEqualTo(ConnectionOutcome.Kind.REVOKED);
        assertThat(hub.tokenRequests()).hasSize(1);
    }

    @Test
    void replacedConnectionReconnects() {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        hub.close(Protocol.CLOSE_REPLACED, "replaced");
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        assertThat(agent.outcome()).isNotDone();
    }

    @Test
    void redeliveredFinishedJobIsAnsweredFromTheJournal() {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        Dispatch job = hub.dispatch(
                "job_r", RecordingTool.NAME, JsonNodeFactory.instance.objectNode(), Duration.ofSeconds(20));
        hub.send(job);
        Result first = hub.await(Result.class, r -> r.jobId().equals("job_r"), WAIT);
        assertThat(first.replayed()).isFalse();

        hub.redeliverOnHello(job); // as if the hub never stored that result
        hub.close(Protocol.CLOSE_GOING_AWAY, "hub restarting");
        Result replayed = hub.await(Result.class, r -> r.jobId().equals("job_r") && r.replayed(), WAIT);
        assertThat(replayed.output()).isEqualTo(first.output());
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void jobStillRunningAcrossAReconnectReportsOnTheNewConnection() {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        Dispatch job = hub.dispatch(
                "job_long",
                RecordingTool.NAME,
                JsonNodeFactory.instance.objectNode().put("block", true),
                Duration.ofSeconds(20));
        hub.send(job);
        await().atMost(WAIT).until(() -> tool.calls() == 1);

        hub.redeliverOnHello(job);
        hub.close(Protocol.CLOSE_GOING_AWAY, "hub restarting");
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        await().atMost(WAIT)
                .until(() -> hub.received(Ack.class, a -> a.jobId().equals("job_long"))
                                .size()
                        == 2);

        tool.release();
        Result result = hub.await(Result.class, r -> r.jobId().equals("job_long"), WAIT);
        assertThat(result.ok()).isTrue();
        assertThat(result.replayed()).isFalse();
        assertThat(tool.calls()).isEqualTo(1);
    }

    @Test
    void aFrameThatCannotBeReadGetsAnErrorAndTheConnectionStays() {
        agent = start(AgentHarness.fastSettings(), new SplittableRandom(1));
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        hub.awaitConnected().send("{\"type\":\"teleport\",\"id\":\"h-77\"}");
        io.enginex.edge.protocol.ErrorFrame error = hub.await(
                io.enginex.edge.protocol.ErrorFrame.class, e -> e.replyTo().equals("h-77"), WAIT);
        assertThat(error.code()).isEqualTo("unknown_type");
        hub.send(hub.dispatch("job_after", "sys.info", JsonNodeFactory.instance.objectNode(), Duration.ofSeconds(10)));
        hub.await(Result.class, r -> r.jobId().equals("job_after"), WAIT);
        assertThat(hub.connections()).isEqualTo(1);
    }

    private AgentHarness start(ConnectionSettings settings, RandomGenerator random) {
        return new AgentHarness(identity, stateDir, settings, random, tool).start();
    }

    private static int indexOf(List<Message> frames, Class<?> type, String jobId) {
        List<Message> copy = new ArrayList<>(frames);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i) instanceof Ack a && type == Ack.class && a.jobId().equals(jobId)) {
                return i;
            }
        }
        return -1;
    }

    private static RandomGenerator topOfWindow() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public long nextLong(long bound) {
                return bound - 1;
            }
        };
    }
}
