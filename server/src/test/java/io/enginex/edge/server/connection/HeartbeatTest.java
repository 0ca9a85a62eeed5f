package io.enginex.edge.server.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.RecordingChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The hub's heartbeat, driven the way the hub's timer drives it (every {@link Heartbeat#period()})
 * on a controllable clock: the times asserted are the clock's, never measured.
 */
class HeartbeatTest {
    private static final Duration INTERVAL = Duration.ofSeconds(15);

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final ConnectionRegistry registry = new ConnectionRegistry();
    private final Heartbeat heartbeat = new Heartbeat(registry, clock, INTERVAL, Runnable::run);

    private AgentConnection open(RecordingChannel channel) {
        AgentConnection c = upgraded(channel);
        c.markReady(new Hello("a-1", Protocol.VERSION, "1.0.0", "Linux", "amd64", "host", List.of(), ""));
        registry.activate(c);
        return c;
    }

    /** A socket just upgraded, whose agent has not sent its hello yet. */
    private AgentConnection upgraded(RecordingChannel channel) {
        AgentConnection c = new AgentConnection("s1", "acme", "agt_1", channel, new MessageCodec(), clock);
        registry.opened(c);
        return c;
    }

    /** Runs the timer until the socket is closed; returns the clock's time at the close. */
    private Instant runUntilClosed(RecordingChannel channel) {
        for (int i = 0; i < 1_000 && channel.closeCode() == null; i++) {
            clock.advance(heartbeat.period());
            heartbeat.run();
        }
        assertThat(channel.closeCode()).isEqualTo(Protocol.CLOSE_HEARTBEAT_TIMEOUT);
        return clock.instant();
    }

    @Test
    void anAgentThatFallsSilentJustAfterACheckIsDroppedWithinTwoIntervals() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = open(channel);
        clock.advance(heartbeat.period());
        heartbeat.run();
        // The worst moment to fall silent: a frame arrives right after a check.
        clock.advance(Duration.ofMillis(1));
        c.markFrameReceived();
        Instant lastFrame = clock.instant();

        Instant droppedAt = runUntilClosed(channel);

        assertThat(droppedAt).isBeforeOrEqualTo(lastFrame.plus(INTERVAL.multipliedBy(2)));
        assertThat(registry.isConnected("acme", "agt_1")).isFalse();
    }

    @Test
    void anAgentThatFallsSilentJustBeforeACheckIsDroppedWithinTwoIntervals() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = open(channel);
        clock.advance(heartbeat.period().minusMillis(1));
        c.markFrameReceived();
        Instant lastFrame = clock.instant();
        clock.advance(Duration.ofMillis(1));
        heartbeat.run();

        Instant droppedAt = runUntilClosed(channel);

        assertThat(droppedAt).isBeforeOrEqualTo(lastFrame.plus(INTERVAL.multipliedBy(2)));
    }

    @Test
    void aSocketIsNotPingedBeforeItsHelloSoThatTheAgentsFirstFrameCanBeItsHello() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = upgraded(channel);

        clock.advance(heartbeat.period());
        heartbeat.run(); // a ping run: the hub's first run of each interval pings

        assertThat(channel.sent()).isEmpty();
        c.markReady(new Hello("a-1", Protocol.VERSION, "1.0.0", "Linux", "amd64", "host", List.of(), ""));
        for (int i = 0; i < 4; i++) {
            clock.advance(heartbeat.period());
            heartbeat.run();
        }
        assertThat(channel.sent()).singleElement().asString().contains("\"type\":\"ping\"");
    }

    @Test
    void aSocketThatNeverSaysHelloIsDroppedAsSilent() {
        RecordingChannel channel = new RecordingChannel();
        upgraded(channel);

        Instant closedAt = runUntilClosed(channel);

        assertThat(Duration.between(Instant.parse("2026-12-04T10:00:00Z"), closedAt))
                .isLessThanOrEqualTo(INTERVAL.multipliedBy(2));
        assertThat(channel.sent()).isEmpty();
    }

    @Test
    void anAgentThatOnlyAnswersIsPingedEveryIntervalAndNeverDropped() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = open(channel);
        Instant start = clock.instant();
        int answered = 0;
        while (clock.instant().isBefore(start.plus(INTERVAL.multipliedBy(20)))) {
            clock.advance(heartbeat.period());
            heartbeat.run();
            if (channel.sent().size() > answered) {
                answered = channel.sent().size();
                c.markFrameReceived(); // its pong
            }
        }

        assertThat(channel.closeCode()).isNull();
        assertThat(channel.sent())
                .as("every interval but the first, whose ping run came a quarter interval after its hello")
                .hasSize(19)
                .allSatisfy(frame -> assertThat(frame).contains("\"type\":\"ping\""));
    }

    @Test
    void anAgentThatPingsEveryIntervalItselfIsNotPingedAndNeverDropped() {
        RecordingChannel channel = new RecordingChannel();
        AgentConnection c = open(channel);
        Instant start = clock.instant();
        // Its pings come half an interval before the hub's ping runs (a quarter interval after each).
        Instant nextFrame = start.plus(INTERVAL.multipliedBy(3).dividedBy(4));
        while (clock.instant().isBefore(start.plus(INTERVAL.multipliedBy(20)))) {
            clock.advance(heartbeat.period());
            if (!clock.instant().isBefore(nextFrame)) {
                c.markFrameReceived(); // the agent's own ping
                nextFrame = nextFrame.plus(INTERVAL);
            }
            heartbeat.run();
        }

        assertThat(channel.closeCode()).isNull();
        assertThat(channel.sent()).isEmpty();
    }
}
