package io.enginex.edge.server.store;

import java.time.Instant;

/**
 * A tenant's pin of its agents' updates: a channel to follow instead of each agent's own, or a version
 * to hold at; exactly one of the two.
 *
 * @param setBy who set it (the caller's actor id)
 */
public record UpdatePinRecord(String tenantId, String channel, String version, String setBy, Instant setAt) {}
