package io.enginex.edge.server.connection;

import io.enginex.edge.server.store.DatabaseFailures;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Run every {@link #INTERVAL}: for each agent socket on which the database failed (see {@link
 * AgentConnection#needResync()}), retries what was left undone, so work resumes by itself when the
 * database is back: the held hello is answered, unfinished jobs are resent. While the database is
 * still unavailable a round stops at the first failure. Never throws.
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
            if (!connection.needsResync()) {
                continue;
            }
            try {
                router.resync(connection);
            } catch (RuntimeException e) {
                if (DatabaseFailures.isUnavailable(e)) {
                    return; // still down; the next round tries again
                }
                connection.resynced();
                log.atWarn()
                        .addKeyValue("agentId", connection.agentId())
                        .setCause(e)
                        .log("cannot resend the work of an agent after a database failure; it is resent on its next"
                                + " hello");
            }
        }
    }
}
