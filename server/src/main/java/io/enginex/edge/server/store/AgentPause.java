package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * An agent's local actions are paused by the person at its machine, as the agent last reported.
 *
 * @param by who paused it (the machine's account name, as the agent reported it)
 * @param since when they paused it (the agent's clock)
 * @param reportedAt when the hub heard of it (the hub's clock)
 */
public record AgentPause(String by, Instant since, Instant reportedAt) {}
