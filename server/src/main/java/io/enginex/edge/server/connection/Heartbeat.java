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
 * Run every heartbeat interval: pings each open socket and drops the ones silent (no frame at all)
 * for two intervals with {@link Protocol#CLOSE_HEARTBEAT_TIMEOUT}. Pings go out on {@code senders}
 * (virtual threads), so one stalled socket does not delay the others.
 */
public final class Heartbeat implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final ConnectionRegistry registry;
    private final Clock clock;
    private final Duration interval;
    private final Executor senders;

    public Heartbeat(ConnectionRegistry registry, Clock clock, Duration interval, Executor senders) {
        this.registry = registry;
        this.clock = clock;
        this.interval = interval;
        this.senders = senders;
    }

    @Override
    public void run() {
        Instant deadline = clock.instant().minus(interval.multipliedBy(2));
        for (AgentConnection c : registry.sockets()) {
            if (c.lastFrameAt().isBefore(deadline)) {
                log.atWarn()
                        .addKeyValue("agentId", c.agentId())
                        .addKeyValue("lastFrameAt", c.lastFrameAt())
                        .log("agent silent for two heartbeats; closing its connection");
                registry.closed(c);
                c.close(
                        Protocol.CLOSE_HEARTBEAT_TIMEOUT,
                        "no frame for " + interval.multipliedBy(2).toMillis() + " ms");
            } else {
                senders.execute(() -> c.send(new Ping(c.nextFrameId())));
            }
        }
    }
}
