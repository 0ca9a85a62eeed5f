package io.enginex.edge.agent.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.agent.testing.FakeClock;
import io.enginex.edge.protocol.Protocol;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The agent's heartbeat, ticked the way its scheduler ticks it (every {@link Heartbeat#period}) on a
 * controllable clock: every time asserted is the clock's, never measured.
 */
class HeartbeatTest {
    private static final Duration INTERVAL = Duration.ofSeconds(15);

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-04T10:00:00Z"));
    private final Hub hub = new Hub();
    private final Heartbeat heartbeat = new Heartbeat(hub, INTERVAL, clock);

    /** The hub as the heartbeat sees it: when it last heard from it, what it sent, when it was dropped. */
    private final class Hub implements Heartbeat.Peer {
        Instant lastReceived = clock.instant();
        final List<Instant> pings = new ArrayList<>();
        Instant abortedAt;
        int abortCode;

        @Override
        public Instant lastReceivedAt() {
            return lastReceived;
        }

        @Override
        public void ping() {
            pings.add(clock.instant());
        }

        @Override
        public void abort(int code, String reason) {
            abortedAt = clock.instant();
            abortCode = code;
        }
    }

    private void tick() {
        clock.advance(Heartbeat.period(INTERVAL));
        heartbeat.tick();
    }

    private Instant tickUntilAborted() {
        for (int i = 0; i < 1_000 && hub.abortedAt == null; i++) {
            tick();
        }
        assertThat(hub.abortCode).isEqualTo(Protocol.CLOSE_HEARTBEAT_TIMEOUT);
        return hub.abortedAt;
    }

    @Test
    void aHubThatFallsSilentJustAfterATickIsDroppedWithinTwoIntervals() {
        tick();
        clock.advance(Duration.ofMillis(1));
        hub.lastReceived = clock.instant();

        assertThat(tickUntilAborted()).isBeforeOrEqualTo(hub.lastReceived.plus(INTERVAL.multipliedBy(2)));
    }

    @Test
    void aHubThatFallsSilentJustBeforeATickIsDroppedWithinTwoIntervals() {
        clock.advance(Heartbeat.period(INTERVAL).minusMillis(1));
        hub.lastReceived = clock.instant();
        clock.advance(Duration.ofMillis(1));
        heartbeat.tick();

        assertThat(tickUntilAborted()).isBeforeOrEqualTo(hub.lastReceived.plus(INTERVAL.multipliedBy(2)));
    }

    @Test
    void aHubThatSpeaksEveryIntervalIsKeptAndPingedOncePerInterval() {
        Instant start = clock.instant();
        for (int i = 1; i <= 80; i++) {
            tick();
            if (i % 4 == 0) {
                hub.lastReceived = clock.instant(); // the hub's ping, once per interval
            }
        }

        assertThat(hub.abortedAt).isNull();
        assertThat(hub.pings).hasSize(20).first().isEqualTo(start.plus(INTERVAL));
    }
}
