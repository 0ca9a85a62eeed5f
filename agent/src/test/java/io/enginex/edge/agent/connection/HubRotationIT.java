package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.CurrentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.RecordingTool;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.agent.transport.HubAddresses;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The connection loop over two hub addresses, each a real WebSocket server on loopback ({@link
 * FakeHub}): which address it dials after a refusal, a drop and a "going away", and that it sleeps its
 * backoff once per round of failures, not once per failure. The generator the harness shares between
 * the rotation and the backoff always starts at the first address and counts the backoff's draws.
 */
class HubRotationIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private FakeHub first;
    private FakeHub second;
    private AgentIdentity identity;
    private AgentHarness agent;
    private final AtomicInteger backoffDraws = new AtomicInteger();

    @BeforeEach
    void startHubs() {
        first = new FakeHub();
        second = new FakeHub();
        identity = TestIdentities.create("agt_it", first.url() + "," + second.url());
        first.knowAgent(identity.agentId(), identity.publicKey());
        second.knowAgent(identity.agentId(), identity.publicKey());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        first.close();
        second.close();
    }

    @Test
    void aRefusingAddressIsLeftForTheNextWithoutABackoff() {
        first.refuseTokensWith("server_busy");
        agent = start();

        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        assertThat(first.tokenRequests()).hasSize(1);
        assertThat(second.connections()).isEqualTo(1);
        assertThat(backoffDraws).hasValue(0);
    }

    @Test
    void whenEveryAddressFailsTheBackoffIsSleptOncePerRound() {
        first.refuseTokensWith("server_busy");
        second.refuseTokensWith("server_busy");
        agent = start();
        await().atMost(WAIT).until(() -> first.tokenRequests().size() >= 3);
        first.refuseTokensWith(null);
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);

        // first, second, (backoff), first, second, (backoff), first … : the addresses alternate.
        List<Instant> a = first.tokenRequests();
        List<Instant> b = second.tokenRequests();
        assertThat(b.size()).isBetween(a.size() - 1, a.size());
        for (int i = 0; i < b.size(); i++) {
            assertThat(a.get(i)).isBeforeOrEqualTo(b.get(i));
            if (i + 1 < a.size()) {
                assertThat(b.get(i)).isBeforeOrEqualTo(a.get(i + 1));
            }
        }
        // One draw per round that failed whole: every request on the first address but the last ended one.
        assertThat(backoffDraws).hasValue(a.size() - 1);
    }

    @Test
    void aDroppedSessionIsRetriedAtTheSameAddress() {
        agent = start();
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        assertThat(first.connections()).isEqualTo(1);

        first.close(1011, "internal error");

        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        assertThat(first.connections()).isEqualTo(2);
        assertThat(second.connections()).isZero();
    }

    @Test
    void goingAwayMovesToTheOtherAddress() {
        agent = start();
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);

        first.close(1001, "hub shutting down; reconnect-window-ms=100");

        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        assertThat(second.connections()).isEqualTo(1);
        assertThat(first.connections()).isEqualTo(1);
    }

    @Test
    void aSessionOnAnAddressDroppedFromTheIdentityFileMovesToTheNewListAtOnce() {
        IdentityFile file = new IdentityFile(stateDir, new MessageCodec().mapper());
        file.save(identity);
        agent = startFollowing(file, AgentHarness.fastSettings());
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        assertThat(first.connections()).isEqualTo(1);

        // What enginex-agent identity hubs --set writes, from another process.
        file.save(file.load().withHubs(HubAddresses.parse(second.url())));

        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        assertThat(second.connections()).isEqualTo(1);
        assertThat(first.connections()).isEqualTo(1);
        assertThat(backoffDraws).as("a move on purpose waits no backoff").hasValue(0);
        assertThat(agent.hubs()).isEqualTo(HubAddresses.parse(second.url()));
    }

    @Test
    void aNewListWakesALoopWaitingOutItsBackoff() {
        first.refuseTokensWith("server_busy");
        IdentityFile file = new IdentityFile(stateDir, new MessageCodec().mapper());
        file.save(identity.withHubs(HubAddresses.parse(first.url())));
        // Every backoff window is a minute: the agent is connected within the wait only if it was woken.
        Duration minute = Duration.ofMinutes(1);
        agent = startFollowing(
                file,
                new ConnectionSettings(
                        minute, minute, Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofMillis(100)));
        await().atMost(WAIT).until(() -> backoffDraws.get() == 1);

        file.save(file.load().withHubs(HubAddresses.parse(second.url())));

        await().atMost(WAIT).until(() -> agent.welcomes.size() == 1);
        assertThat(second.connections()).isEqualTo(1);
        assertThat(first.tokenRequests()).hasSize(1);
    }

    private AgentHarness startFollowing(IdentityFile file, ConnectionSettings settings) {
        return new AgentHarness(
                        new CurrentIdentity(file, file.load()),
                        stateDir,
                        settings,
                        firstAddressCountingDraws(),
                        TenantPolicyHandler.NONE,
                        welcome -> {},
                        new RecordingTool())
                .start();
    }

    private AgentHarness start() {
        return new AgentHarness(
                        identity,
                        stateDir,
                        AgentHarness.fastSettings(),
                        firstAddressCountingDraws(),
                        new RecordingTool())
                .start();
    }

    /** Starts the rotation at index 0; the backoff always draws the top of its window, and is counted. */
    private RandomGenerator firstAddressCountingDraws() {
        return new RandomGenerator() {
            @Override
            public long nextLong() {
                return Long.MAX_VALUE;
            }

            @Override
            public int nextInt(int bound) {
                return 0;
            }

            @Override
            public long nextLong(long bound) {
                backoffDraws.incrementAndGet();
                return bound - 1;
            }
        };
    }
}
