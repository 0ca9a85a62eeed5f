package io.enginex.edge.server.connection;

import io.enginex.edge.server.store.DatabaseFailures;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run every {@link #INTERVAL}: answers each hello that a database failure left held (see {@link
 * AgentConnection#holdHello}), so an agent that connected during an outage is welcomed, and sent its
 * jobs, by itself when the database is back. The resend of jobs on sockets already welcomed is
 * {@code dispatch.Deliveries#resync}'s. While the database is still unavailable a round stops at the
 * first failure. Never throws.
 */
public final class Resync implements Runnable {
    public static final Duration INTERVAL = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(Resync.class);

    private final ConnectionRegistry registry;
    private final FrameRouter router;

    public Resync(ConnectionRegistry registry, FrameRouter router) {
        this.registry = registry;
        this.router = router;
    }

    @Override
    public void run() {
        for (AgentConnection connection : registry.sockets()) {
            if (connection.heldHello() == null) {
                continue;
            }
            try {
                router.resync(connection);
            } catch (RuntimeException e) {
                if (DatabaseFailures.isUnavailable(e)) {
                    return; // still down; the next round tries again
                }
                connection.releaseHello();
                log.atWarn()
                        .addKeyValue("agentId", connection.agentId())
                        .setCause(e)
                        .log("cannot answer the hello an agent sent during a database failure; it is answered on"
                                + " its next hello");
            }
        }
    }
}
