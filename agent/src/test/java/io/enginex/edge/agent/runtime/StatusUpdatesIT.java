package io.enginex.edge.agent.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.connection.ConnectionProblem;
import io.enginex.edge.agent.connection.TenantPolicyHandler;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.service.AgentStatus;
import io.enginex.edge.agent.service.StatusBoard;
import io.enginex.edge.agent.service.StatusFile;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.agent.testing.TlsHub;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The status file the running agent keeps ({@code enginex-agent status} reads it) follows the
 * connection as it happens, wired as {@code run} wires it ({@link StatusUpdates} over a coalescing
 * {@link StatusBoard}), with the last error and its fix.
 */
class StatusUpdatesIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private final MessageCodec codec = new MessageCodec();
    private FakeHub hub;
    private AgentHarness agent;
    private StatusFile file;

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    private void start(AgentIdentity identity) {
        file = new StatusFile(stateDir, codec.mapper());
        StatusBoard board = new StatusBoard(
                file,
                Clock.systemUTC(),
                ProcessHandle.current().pid(),
                "test",
                write -> Thread.ofVirtual().start(write));
        agent = new AgentHarness(
                        identity,
                        stateDir,
                        AgentHarness.fastSettings(),
                        new SplittableRandom(1),
                        TenantPolicyHandler.NONE,
                        new StatusUpdates(board, (welcome, target) -> {}))
                .start();
    }

    private AgentStatus status() {
        try {
            return file.read().orElse(null);
        } catch (IOException e) {
            return null; // not written yet
        }
    }

    private AgentStatus awaitStatus(java.util.function.Predicate<AgentStatus> condition) {
        return await().atMost(WAIT).until(this::status, s -> s != null && condition.test(s));
    }

    private AgentIdentity registeredWith(FakeHub fakeHub) {
        AgentIdentity identity = TestIdentities.create("agt_status", fakeHub.url());
        fakeHub.knowAgent(identity.agentId(), identity.publicKey());
        return identity;
    }

    @Test
    void aHubThatFallsSilentShowsAsConnectingWithTheHeartbeatReasonAndItsFix() {
        hub = new FakeHub();
        hub.heartbeatMillis(200);
        start(registeredWith(hub));
        AgentStatus connected = awaitStatus(s -> s.state().equals("connected"));
        assertThat(connected.lastError()).isNull();

        hub.silent(true);

        AgentStatus lost = awaitStatus(s -> s.state().equals("connecting"));
        assertThat(lost.lastError()).contains("no heartbeat", ConnectionProblem.HEARTBEAT_FIX);
        hub.silent(false);
        AgentStatus back = awaitStatus(s -> s.state().equals("connected"));
        assertThat(back.lastError()).isNull();
    }

    @Test
    void clockSkewIsTheLastErrorWithTheDoctorsFix() {
        hub = new FakeHub();
        hub.refuseTokensWith("clock_skew");
        start(registeredWith(hub));

        AgentStatus status = awaitStatus(s -> s.lastError() != null);

        assertThat(status.state()).isEqualTo("connecting");
        assertThat(status.lastError()).contains("clock", "fix: " + ConnectionProblem.CLOCK_FIX);
    }

    @Test
    void aHubThatIsNotRunningIsConnectionRefusedWithTheDoctorsFix() {
        FakeHub gone = new FakeHub();
        AgentIdentity identity = registeredWith(gone);
        gone.close();
        start(identity);

        AgentStatus status = awaitStatus(s -> s.lastError() != null);

        assertThat(status.state()).isEqualTo("connecting");
        assertThat(status.lastError()).contains("refused", "fix: " + ConnectionProblem.TCP_FIX);
    }

    @Test
    void aWrongPinIsTheLastErrorWithTheDoctorsFix(@TempDir Path certs) throws Exception {
        try (TlsHub tls = new TlsHub(certs, "ip:127.0.0.1")) {
            AgentIdentity system = TestIdentities.create("agt_status", tls.url());
            TrustSettings wrongPin = new TrustSettings("sha256:" + "00:".repeat(31) + "00", null);
            start(new AgentIdentity(
                    system.agentId(),
                    system.tenant(),
                    system.labels(),
                    system.hubs(),
                    wrongPin,
                    system.publicKey(),
                    system.privateKey(),
                    system.registeredAt(),
                    system.keyCreatedAt()));

            AgentStatus status = awaitStatus(s -> s.lastError() != null);

            assertThat(status.lastError()).contains("fix: " + ConnectionProblem.tlsFix(wrongPin));
        }
    }
}
