package io.enginex.edge.server.cluster;

import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.store.ConnectionHistoryStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which other node an agent is connected to, from the open connection rows of the nodes still seen:
 * read once per tenant and {@link #FRESH} (a fleet page asks for every agent), so it costs one query
 * a second per tenant being looked at. Thread-safe.
 */
public final class Presence implements AgentStates.Elsewhere {
    /** How long one reading of a tenant's rows is used. */
    public static final Duration FRESH = Duration.ofSeconds(1);

    private final ConnectionHistoryStore connections;
    private final String node;
    private final Clock clock;
    private final ConcurrentHashMap<String, Reading> readings = new ConcurrentHashMap<>();

    private record Reading(Instant at, Map<String, String> nodes) {}

    public Presence(ConnectionHistoryStore connections, String node, Clock clock) {
        this.connections = connections;
        this.node = node;
        this.clock = clock;
    }

    @Override
    public Optional<String> nodeOf(String tenantId, String agentId) {
        return Optional.ofNullable(agentsOf(tenantId).get(agentId));
    }

    @Override
    public Map<String, String> agentsOf(String tenantId) {
        Instant now = clock.instant();
        Reading r = readings.compute(
                tenantId,
                (t, old) -> old != null && old.at().plus(FRESH).isAfter(now)
                        ? old
                        : new Reading(now, connections.openElsewhere(t, node, now.minus(Nodes.LOST_AFTER))));
        return r.nodes();
    }
}
