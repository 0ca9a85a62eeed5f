package io.enginex.edge.server.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.job.JobRequest;
import io.enginex.edge.server.job.Jobs;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.Job;
import io.enginex.edge.server.store.Session;
import io.enginex.edge.server.store.jdbc.JdbcStores;
import io.enginex.edge.server.testing.RecordingChannel;
import io.enginex.edge.server.testing.TestServices;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job created just as its agent's connection becomes ready is both sent by its creator and found
 * among the unfinished jobs resent after hello. Played here in the losing order, on a real store.
 */
class DeliveryRaceIT {
    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final MessageCodec codec = new MessageCodec();
    private TestServices services;
    private JdbcStores stores;
    private Dispatcher dispatcher;
    private Jobs jobs;
    private ConnectionRegistry registry;

    private static final Caller SYSTEM = new Caller("key_test", null, Role.PLATFORM_ADMIN);

    @BeforeEach
    void open() {
        services = new TestServices(dir);
        stores = services.stores;
        registry = services.registry;
        dispatcher = services.dispatcher;
        jobs = services.jobs();
        stores.agents()
                .create(Agent.registered(
                        "agt_1", "acme", "key", "host", "Linux", "amd64", "1", List.of(), null, clock.instant()));
        stores.sessions().create(new Session("ses_1", "acme", "race", "test", clock.instant()));
    }

    @AfterEach
    void close() {
        services.close();
    }

    @Test
    void aJobIsSentOnceOnAConnectionEvenWhenCreationAndTheHelloResendRace() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection connection = new AgentConnection("s1", "acme", "agt_1", channel, codec, clock);
        registry.opened(connection);
        registry.activate(connection);

        Job job =
                jobs.create(SYSTEM, "acme", "ses_1", new JobRequest("agt_1", "sys.ping", null, Duration.ofSeconds(30)));
        dispatcher.onReady(connection); // the resend after hello, running late

        assertThat(channel.sent()).filteredOn(f -> f.contains("\"dispatch\"")).hasSize(1);
        await("the delivery is marked (through the group commit, not waited for)")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(markedAttempt(job)).isEqualTo(1));
    }

    @Test
    void aNewConnectionOfTheAgentGetsTheUnfinishedJobAgain() {
        RecordingChannel first = new RecordingChannel();
        AgentConnection older = new AgentConnection("s1", "acme", "agt_1", first, codec, clock);
        registry.opened(older);
        registry.activate(older);
        Job job =
                jobs.create(SYSTEM, "acme", "ses_1", new JobRequest("agt_1", "sys.ping", null, Duration.ofSeconds(30)));

        RecordingChannel second = new RecordingChannel();
        AgentConnection newer = new AgentConnection("s2", "acme", "agt_1", second, codec, clock);
        registry.opened(newer);
        registry.activate(newer);
        dispatcher.onReady(newer);

        assertThat(second.sent()).filteredOn(f -> f.contains(job.id())).hasSize(1);
        await("the second delivery is marked")
                .atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(markedAttempt(job)).isEqualTo(2));
    }

    /**
     * The job's attempt as stored, after writing the delivery marks that are due: the hub's timer does
     * that every {@link Deliveries#MARK_INTERVAL}, for jobs in flight longer than {@link
     * Deliveries#MARK_AFTER}; here the test does.
     */
    private int markedAttempt(Job job) {
        services.deliveries.writeMarks();
        return stores.jobs().find("acme", job.id()).orElseThrow().attempt();
    }
}
