package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.protocol.ReleaseNotice;
import io.enginex.edge.protocol.UpdateFailure;
import io.enginex.edge.protocol.UpdatePin;
import io.enginex.edge.protocol.UpdateReport;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's update state reaches the hub: an update frame after every welcome (the state set
 * before the connection included) and one at each change, never before welcome.
 */
class UpdateReportFramesIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private FakeHub hub;
    private AgentIdentity identity;
    private AgentHarness agent;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        identity = TestIdentities.create("agt_up", hub.url());
        hub.knowAgent(identity.agentId(), identity.publicKey());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        hub.close();
    }

    private static UpdateReport report(String id, String state, String target, UpdateFailure failure) {
        return new UpdateReport(id, "1.4.0", "stable", UpdateReport.MODE_SELF, state, target, null, null, failure);
    }

    @Test
    void theStateIsSentAfterEachWelcomeAndAtEachChange() {
        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), p -> null);
        UpdateFailure failure =
                new UpdateFailure("1.5.0", "no hello accepted within 300 s; rolled back to 1.4.0", Instant.now());
        agent.outbox.update(id -> report(id, UpdateReport.ROLLED_BACK, null, failure));
        agent.start();

        UpdateReport first = hub.await(UpdateReport.class, r -> true, WAIT);
        assertThat(first.state()).isEqualTo(UpdateReport.ROLLED_BACK);
        assertThat(first.failure()).isEqualTo(failure);
        assertThat(hub.received().getFirst()).isInstanceOf(io.enginex.edge.protocol.Hello.class);
        // the report may reach the hub before the harness's listener has recorded the welcome
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> !agent.welcomes.isEmpty());
        assertThat(agent.welcomes).hasSize(1);

        agent.outbox.update(id -> report(id, UpdateReport.REFUSED, "1.5.0", failure));
        UpdateReport changed = hub.await(UpdateReport.class, r -> r.state().equals(UpdateReport.REFUSED), WAIT);
        assertThat(changed.target()).isEqualTo("1.5.0");

        int before = hub.received(UpdateReport.class, r -> true).size();
        hub.close(1001, "restart");
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        org.awaitility.Awaitility.await()
                .atMost(WAIT)
                .until(() -> hub.received(UpdateReport.class, r -> true).size() > before);
        assertThat(hub.received(UpdateReport.class, r -> true).getLast().state())
                .isEqualTo(UpdateReport.REFUSED);
    }

    @Test
    void aReleaseNoticeIsHandedToTheUpdaterNotAnsweredAsAnError() {
        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), p -> null)
                .start();
        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        ReleaseNotice notice = new ReleaseNotice(hub.nextId(), null, null, new UpdatePin("beta", null), 1000);

        hub.send(notice);

        org.awaitility.Awaitility.await().atMost(WAIT).until(() -> agent.releases.contains(notice));
        assertThat(hub.received(io.enginex.edge.protocol.ErrorFrame.class, e -> true))
                .isEmpty();
    }
}
