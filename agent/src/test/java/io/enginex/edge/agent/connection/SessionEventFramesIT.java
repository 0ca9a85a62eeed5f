package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.testing.AgentHarness;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.agent.usersession.SessionEventRecord;
import io.enginex.edge.protocol.AgentState;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.SessionEvent;
import io.enginex.edge.protocol.SessionEventsAck;
import io.enginex.edge.protocol.SessionPart;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sign-ins and sign-outs the agent saw while it had no hub connection reach the hub: kept on disk
 * across a restart, sent in the state frame after the welcome, sent again until the hub acknowledges
 * them, then never again; a change while connected travels only in the list.
 */
class SessionEventFramesIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path stateDir;

    private FakeHub hub;
    private AgentIdentity identity;
    private AgentHarness agent;

    @BeforeEach
    void startHub() {
        hub = new FakeHub();
        identity = TestIdentities.create("agt_se", hub.url());
        hub.knowAgent(identity.agentId(), identity.publicKey());
    }

    @AfterEach
    void stopAll() throws Exception {
        if (agent != null) {
            agent.close();
        }
        hub.close();
    }

    private SessionEventRecord record() {
        return new SessionEventRecord(
                stateDir.resolve("session-events.jsonl"), new MessageCodec().mapper(), Clock.systemUTC());
    }

    @Test
    void eventsSeenOfflineSurviveARestartAreSentUntilAckedAndThenNeverAgain() {
        SessionPart bob = new SessionPart("bob", "x11", Instant.parse("2026-12-05T06:10:00Z"));
        SessionPart carol = new SessionPart("carol", "wayland", Instant.parse("2026-12-05T07:00:00Z"));
        // A service that ran without a hub connection: bob signed in and out, then the service stopped.
        SessionOutbox offline = new SessionOutbox();
        offline.sessionEvents(record());
        offline.sessionParts(List.of());
        offline.sessionParts(List.of(bob));
        offline.sessionParts(List.of());

        agent = new AgentHarness(identity, stateDir, AgentHarness.fastSettings(), new SplittableRandom(1), p -> null);
        SessionEventRecord restarted = record();
        assertThat(restarted.pending()).extracting(SessionEvent::event).containsExactly("started", "ended");
        agent.outbox.sessionEvents(restarted);
        agent.outbox.sessionParts(List.of());
        agent.start();

        AgentState first = hub.await(AgentState.class, s -> s.sessionEvents() != null, WAIT);
        assertThat(first.sessionEvents()).containsExactlyElementsOf(restarted.pending());
        assertThat(first.sessionEvents().getFirst()).isEqualTo(SessionEvent.started(bob));

        // Not acknowledged (the hub went away first): sent again after the next welcome.
        hub.close(1001, "restart");
        await().atMost(WAIT).until(() -> agent.welcomes.size() == 2);
        await().atMost(WAIT)
                .until(() -> hub.received(AgentState.class, s -> s.sessionEvents() != null)
                                .size()
                        == 2);
        AgentState again =
                hub.received(AgentState.class, s -> s.sessionEvents() != null).getLast();
        assertThat(again.sessionEvents()).isEqualTo(first.sessionEvents());

        hub.send(new SessionEventsAck(hub.nextId(), again.id(), again.sessionEvents()));
        await().atMost(WAIT).until(() -> restarted.pending().isEmpty());
        assertThat(record().pending()).as("dropped from the file too").isEmpty();

        // Connected: a sign-in travels in the list only, and nothing old is sent again.
        agent.outbox.sessionParts(List.of(carol));
        AgentState live = hub.await(AgentState.class, s -> s.sessionParts().contains(carol), WAIT);
        assertThat(live.sessionEvents()).isNull();
        assertThat(hub.received(AgentState.class, s -> s.sessionEvents() != null))
                .hasSize(2);
        assertThat(record().pending()).isEmpty();
    }
}
