package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Protocol;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one session honest: sends a {@code ping} every interval, and aborts the session (local close
 * code {@value Protocol#CLOSE_HEARTBEAT_TIMEOUT}) once nothing at all arrived for two intervals, which
 * is how a half-open TCP connection is noticed.
 *
 * <p>It runs every {@link #period(Duration)} (a quarter interval) and aborts when the two-interval
 * deadline after the last frame falls before its next run, so a silent hub is dropped between 1¾ and 2
 * intervals after its last frame, never later (checking "silent for more than two intervals" found it
 * up to one check period late).
 */
final class Heartbeat {
    private static final int RUNS_PER_INTERVAL = 4;
    private static final Duration MIN_PERIOD = Duration.ofMillis(25);

    /** The session as the heartbeat sees it. */
    interface Peer {
        /** On the heartbeat's clock, when the last frame of any kind arrived. */
        Instant lastReceivedAt();

        void ping();

        void abort(int code, String reason);
    }

    private final Peer peer;
    private final Clock clock;
    private final Duration interval;
    private final Duration period;
    private volatile ScheduledFuture<?> task;
    private Instant lastPingAt;

    Heartbeat(Peer peer, Duration interval, Clock clock) {
        this.peer = peer;
        this.clock = clock;
        this.interval = interval;
        this.period = period(interval);
        this.lastPingAt = clock.instant();
    }

    /** How often {@link #tick()} runs: a quarter interval, at least 25 ms. */
    static Duration period(Duration interval) {
        Duration quarter = interval.dividedBy(RUNS_PER_INTERVAL);
        return quarter.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD : quarter;
    }

    static Heartbeat start(Peer peer, Duration interval, Clock clock, ScheduledExecutorService scheduler) {
        Heartbeat heartbeat = new Heartbeat(peer, interval, clock);
        long tick = heartbeat.period.toMillis();
        heartbeat.task = scheduler.scheduleAtFixedRate(heartbeat::tick, tick, tick, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    void cancel() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    /**
     * One check; runs on the scheduler's thread every {@link #period(Duration)}, never concurrently
     * with itself.
     *
     * @return false once the session was aborted (no further ticks are needed)
     */
    boolean tick() {
        Instant now = clock.instant();
        Instant lastReceived = peer.lastReceivedAt();
        if (now.plus(period).isAfter(lastReceived.plus(interval.multipliedBy(2)))) {
            peer.abort(
                    Protocol.CLOSE_HEARTBEAT_TIMEOUT,
                    "no frame from the hub for "
                            + Duration.between(lastReceived, now).toMillis() + " ms (heartbeat " + interval.toMillis()
                            + " ms)");
            cancel();
            return false;
        }
        if (!now.isBefore(lastPingAt.plus(interval).minus(period.dividedBy(2)))) {
            lastPingAt = now;
            peer.ping();
        }
        return true;
    }
}
