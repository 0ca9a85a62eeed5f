package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A start or end of a user's session part at an agent, as the hub audited it (once per part and event).
 *
 * @param user the account at the machine
 * @param since when the part connected (the agent's clock): with {@code user} and {@code event}, the key
 * @param event {@code started} or {@code ended}
 * @param at when it happened as reported: the agent's clock for an event it sent, the hub's for an end
 *     the hub saw only as a part missing from a list
 * @param receivedAt when the hub received the report (the hub's clock)
 * @param reportedLate true when the agent sent it from its record of what happened while it was offline
 */
public record AgentSessionEvent(
        String user, Instant since, String event, Instant at, Instant receivedAt, boolean reportedLate) {}
