package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Protocol;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's side of heartbeats: once per interval pings each open socket it has heard nothing from
 * for {@link #QUIET} of an interval, and drops a socket that has been silent (no frame at all) so long
 * that it would pass two intervals before the next run, with {@link Protocol#CLOSE_HEARTBEAT_TIMEOUT}.
 *
 * <p>Why only quiet sockets are pinged: the agent pings every interval itself, and the hub's pong to
 * it tells the agent the hub is alive, so a ping of the hub's to an agent that spoke lately is a
 * second round trip that proves nothing new; with tens of thousands of idle agents those round trips
 * are most of the hub's idle work. An agent that never pings on its own is quiet at every ping run
 * (its last frame is the pong to the previous one, an interval ago), so it is pinged every interval.
 *
 * <p>Why the deadline is checked against the <em>next</em> run: checked only once per interval, an
 * agent that fell silent just after a check was seen silent for two intervals one check too late,
 * three intervals after its last frame. Run every {@link #period()} (a quarter interval) and dropping
 * a socket whose two-interval deadline falls before the next run, a silent agent is dropped between
 * 1¾ and 2 intervals after its last frame; a live agent (which pings every interval and answers
 * every ping) is never more than about one interval silent.
 *
 * <p>A socket is pinged only after its hello: a ping before it would draw a pong as the agent's first
 * frame, which the hub refuses (this once closed new connections at random, at the moment a ping
 * went out between the upgrade and the hello).
 *
 * <p>Runs on the hub's timer thread, never concurrently with itself; pings go out on {@code senders}
 * (virtual threads), so one stalled socket does not delay the others.
 */
public final class Heartbeat implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);
    private static final int RUNS_PER_INTERVAL = 4;

    /** The share of an interval a socket must have been silent to be pinged: three quarters. */
    static final double QUIET = 0.75;

    private final ConnectionRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final Duration period;
    private final Executor senders;
    private long runs;

    public Heartbeat(ConnectionRegistry registry, Clock clock, Duration interval, Executor senders) {
        this.registry = registry;
        this.clock = clock;
        this.interval = interval;
        this.period = interval.dividedBy(RUNS_PER_INTERVAL);
        this.senders = senders;
    }

    /** How often the hub's timer must call {@link #run()}: a quarter of the heartbeat interval. */
    public Duration period() {
        return period;
    }

    /**
     * The agent's first frame must be its hello (else the hub closes with 1008), and an agent answers
     * every ping: so a socket is pinged only once its hello arrived. Until then only the silence rule
     * applies, which drops a socket that never says hello.
     */
    private static boolean saidHello(AgentConnection c) {
        return c.ready() || c.heldHello() != null;
    }

    @Override
    public void run() {
        // Dropped now when the deadline (last frame + 2 intervals) comes before the next run.
        Instant silentSince = clock.instant().plus(period).minus(interval.multipliedBy(2));
        boolean ping = runs++ % RUNS_PER_INTERVAL == 0;
        Instant quietSince = clock.instant().minus(Duration.ofNanos((long) (interval.toNanos() * QUIET)));
        for (AgentConnection c : registry.sockets()) {
            if (c.lastFrameAt().isBefore(silentSince)) {
                log.atWarn()
                        .addKeyValue("agentId", c.agentId())
                        .addKeyValue("lastFrameAt", c.lastFrameAt())
                        .log("agent silent for two heartbeats; closing its connection");
                registry.closed(c);
                c.close(
                        Protocol.CLOSE_HEARTBEAT_TIMEOUT,
                        "no frame for "
                                + Duration.between(c.lastFrameAt(), clock.instant())
                                        .toMillis() + " ms (heartbeat " + interval.toMillis() + " ms)");
            } else if (ping && saidHello(c) && !c.lastFrameAt().isAfter(quietSince)) {
                senders.execute(() -> c.send(new Ping(c.nextFrameId())));
            }
        }
    }
}
