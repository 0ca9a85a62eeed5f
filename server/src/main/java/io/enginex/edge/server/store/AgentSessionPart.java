package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A user's session part connected to an agent's service, as the agent last reported it.
 *
 * @param user the account at the machine
 * @param type {@code x11}, {@code wayland}, {@code tty} or {@code unknown}
 * @param since when it connected to the agent's service (the agent's clock)
 * @param reportedAt when the hub received the report
 */
public record AgentSessionPart(String user, String type, Instant since, Instant reportedAt) {}
