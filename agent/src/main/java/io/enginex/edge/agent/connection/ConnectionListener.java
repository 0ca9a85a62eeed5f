package io.enginex.edge.agent.connection;

import io.enginex.edge.agent.transport.HubTarget;
import io.enginex.edge.protocol.Welcome;

/**
 * What the connection loop reports as it goes, all on the loop thread, in order. Only {@link
 * #connected} must be implemented, so a lambda can stand for a listener that cares about welcomes.
 * Implementations must not block for long: the loop waits for them.
 */
@FunctionalInterface
public interface ConnectionListener {
    /** Before each attempt: the address about to be dialled. */
    default void connecting(HubTarget target) {}

    /** After each {@code welcome}. */
    void connected(Welcome welcome);

    /**
     * A connection that had reached {@code welcome} ended; the loop reconnects (unless stopped).
     *
     * @param problem why, when it is something a person should know (heartbeat timeout, replaced), else
     *     null (the hub restarting, the agent stopping)
     */
    default void disconnected(ConnectionProblem problem) {}

    /** An attempt failed before {@code welcome} for {@code problem}; the loop retries after a backoff. */
    default void failed(ConnectionProblem problem) {}
}
