package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.agent.graph.GraphSync;
import io.enginex.edge.agent.graph.RunJournal;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.common.graph.Graph;
import io.enginex.edge.common.graph.GraphFormat;
import io.enginex.edge.protocol.GraphRuns;
import io.enginex.edge.protocol.GraphRunsAck;
import io.enginex.edge.protocol.GraphStart;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graph runs reach the hub over the agent's connection: a {@code graphRuns} frame after welcome, sent
 * again after a drop that lost it, and never again once acked.
 */
class GraphRunFramesIT {
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @TempDir
    Path stateDir;

    private FakeHub hub;
    private AgentIdentity identity;
    private AgentHarness agent;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        identity = TestIdentities.create("agt_gr", hub.url());
        hub.knowAgent(identity.agentId(), identity.publicKey());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        hub.close();
    }

    private static GraphRunsAck ack(String id, GraphRuns frame) {
        return new GraphRunsAck(
                id,
                frame.id(),
                frame.runs().stream().map(GraphRuns.Run::runId).toList(),
                frame.runs().stream()
                        .flatMap(r -> r.steps().stream())
                        .map(GraphRuns.Step::id)
                        .toList(),
                List.of());
    }

    @Test
    void aRunIsSentAfterWelcomeAgainAfterADropAndNeverOnceAcked() throws Exception {
        RunJournal runs = new RunJournal(stateDir.resolve("graphs").resolve("runs"), MAPPER, Clock.systemUTC());
        Graph graph = new GraphFormat(MAPPER)
                .parse("{\"version\":1,\"name\":\"g\",\"steps\":[{\"id\":\"a\",\"tool\":\"fs.list\"}]}", "g.json");
        String first = runs.start(graph, MAPPER.createObjectNode(), MAPPER.createObjectNode(), "gph_1", 3);
        GraphSync sync = new GraphSync(runs, stateDir.resolve("graphs").resolve("synced.jsonl"), MAPPER);
        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), p -> null);
        agent.outbox.graphSync(sync);
        agent.start();

        GraphRuns lost = hub.await(GraphRuns.class, f -> true, WAIT);
        assertThat(lost.runs()).singleElement().satisfies(r -> {
            assertThat(r.runId()).isEqualTo(first);
            assertThat(r.graphId()).isEqualTo("gph_1");
            assertThat(r.graphVersion()).isEqualTo(3);
        });

        // the connection drops before the hub acks: the run is sent again after the next welcome
        hub.close(1001, "restart");
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        GraphRuns again = hub.await(GraphRuns.class, f -> f != lost, WAIT);
        assertThat(again.runs()).extracting(GraphRuns.Run::runId).containsExactly(first);
        hub.send(ack(hub.nextId(), again));
        await().atMost(WAIT).until(() -> sync.acknowledged(first));

        // acked: after another reconnect only a new run goes up
        hub.close(1001, "restart");
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 3);
        String second = runs.start(graph, MAPPER.createObjectNode(), MAPPER.createObjectNode(), "gph_1", 3);
        agent.outbox.pushGraphRuns();
        GraphRuns next = hub.await(GraphRuns.class, f -> f != lost && f != again, WAIT);
        assertThat(next.runs()).extracting(GraphRuns.Run::runId).containsExactly(second);
    }

    @Test
    void aGraphStartFromTheHubIsHandedToTheGraphTriggersAsSent() {
        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), p -> null);
        agent.start();
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);

        GraphStart start = new GraphStart(
                hub.nextId(),
                "gst_9",
                "gph_1",
                "nightly",
                MAPPER.createObjectNode().put("day", "2026-12-05"),
                "alice");
        hub.send(start);

        await().atMost(WAIT).until(() -> !agent.graphStarts.isEmpty());
        assertThat(agent.graphStarts).containsExactly(start);
        assertThat(hub.received(io.enginex.edge.protocol.ErrorFrame.class, e -> true))
                .as("the agent knows the frame")
                .isEmpty();
    }
}
