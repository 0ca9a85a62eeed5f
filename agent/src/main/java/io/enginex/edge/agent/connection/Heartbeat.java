package io.enginex.edge.agent.connection;

import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Protocol;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps one session honest: sends a {@code ping} every interval, and aborts the session (local close
 * code {@value Protocol#CLOSE_HEARTBEAT_TIMEOUT}) when nothing at all arrived for two intervals, which
 * is how a half-open TCP connection is noticed. Checks run several times per interval so detection
 * comes close to the two-interval mark.
 */
final class Heartbeat {
    private final HubSession session;
    private final long intervalNanos;
    private volatile ScheduledFuture<?> task;
    private long lastPingNanos = System.nanoTime();

    private Heartbeat(HubSession session, Duration interval) {
        this.session = session;
        this.intervalNanos = interval.toNanos();
    }

    static Heartbeat start(HubSession session, Duration interval, ScheduledExecutorService scheduler) {
        Heartbeat heartbeat = new Heartbeat(session, interval);
        long tick = Math.max(25, interval.toMillis() / 4);
        heartbeat.task = scheduler.scheduleAtFixedRate(heartbeat::tick, tick, tick, TimeUnit.MILLISECONDS);
        return heartbeat;
    }

    void cancel() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
    }

    /** Runs on the scheduler's thread, never concurrently with itself. */
    private void tick() {
        long now = System.nanoTime();
        long silent = now - session.lastReceivedNanos();
        if (silent > 2 * intervalNanos) {
            session.abort(
                    Protocol.CLOSE_HEARTBEAT_TIMEOUT,
                    "no frame from the hub for "
                            + TimeUnit.NANOSECONDS.toMillis(silent) + " ms (heartbeat "
                            + TimeUnit.NANOSECONDS.toMillis(intervalNanos) + " ms)");
            cancel();
            return;
        }
        if (now - lastPingNanos >= intervalNanos) {
            lastPingNanos = now;
            session.send(new Ping(session.nextId()));
        }
    }
}
