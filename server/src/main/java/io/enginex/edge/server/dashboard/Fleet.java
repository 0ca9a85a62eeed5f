package io.enginex.edge.server.dashboard;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.common.update.Rollout;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.AgentStatus;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import io.enginex.edge.server.update.RolloutProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A tenant's agents as the fleet page shows them: each with its state from {@link AgentStates} (the
 * hub's one place for online, busy, unresponsive, offline). Thread-safe (stateless).
 */
public final class Fleet {
    /** Every state, in the order the page counts them. */
    public static final List<AgentState> STATES = List.of(AgentState.values());

    /**
     * One agent. {@code neverConnected}: it registered, but no hello of it was ever answered (not one
     * that went offline). {@code lastHeartbeat} is the last frame on its live socket, else when it was last seen;
     * {@code detail} says why it is unresponsive, else null; {@code update} is its update state as it last
     * reported it, or null (an agent that never reported one).
     */
    public record Row(
            String id,
            String hostname,
            String os,
            String arch,
            String version,
            List<String> labels,
            AgentState state,
            String detail,
            int jobsInFlight,
            Instant lastHeartbeat,
            String address,
            boolean revoked,
            int ring,
            AgentUpdate update,
            boolean neverConnected,
            Instant enrolledAt) {}

    /**
     * The rows matching a filter, and the count per state of all agents.
     *
     * @param state the state filter, or null for all
     * @param query the search text, or empty
     * @param channels the release channels of the update repository (none without one)
     * @param rollouts each channel's rollout over this tenant's agents, ring by ring (channels with a version)
     * @param neverConnected how many of the agents (all, not only the matching) registered and never connected
     * @param archived how many archived agents are left out (of the rows, the counts and the total)
     */
    public record Snapshot(
            List<Row> rows,
            Map<AgentState, Integer> counts,
            int total,
            AgentState state,
            String query,
            List<ChannelState> channels,
            List<RolloutProgress> rollouts,
            int neverConnected,
            int archived) {
        public int count(AgentState s) {
            return counts.getOrDefault(s, 0);
        }
    }

    private final AgentStore agents;
    private final AgentStates states;
    private final ConnectionRegistry registry;
    private final AgentUpdateStore updates;

    private final Supplier<List<ChannelState>> channels;

    /**
     * @param updates the agents' update reports
     * @param channels the update repository's channels (read on each snapshot; empty without a repository)
     */
    public Fleet(
            AgentStore agents,
            AgentStates states,
            ConnectionRegistry registry,
            AgentUpdateStore updates,
            Supplier<List<ChannelState>> channels) {
        this.updates = updates;
        this.channels = channels;
        this.agents = agents;
        this.states = states;
        this.registry = registry;
    }

    /** The tenant's agents with state {@code state} (null: any) whose id, host, OS, version, address or labels contain {@code query}. */
    public Snapshot snapshot(String tenantId, AgentState state, String query) {
        String q = query == null ? "" : query.strip().toLowerCase(Locale.ROOT);
        Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
        List<Row> rows = new ArrayList<>();
        Set<String> archived = agents.archivedIds(tenantId);
        List<Agent> all = agents.list(tenantId).stream()
                .filter(a -> !archived.contains(a.id()))
                .toList();
        int neverConnected = 0;
        List<AgentUpdate> reports = updates.list(tenantId);
        Map<String, AgentUpdate> byAgent = new HashMap<>();
        reports.forEach(u -> byAgent.put(u.agentId(), u));
        for (Agent a : all) {
            Row row = row(a, byAgent.get(a.id()));
            counts.merge(row.state(), 1, Integer::sum);
            neverConnected += row.neverConnected() ? 1 : 0;
            if ((state == null || row.state() == state) && matches(row, q)) {
                rows.add(row);
            }
        }
        List<ChannelState> known = channels.get();
        List<RolloutProgress> rollouts = known.stream()
                .filter(c -> c.version() != null)
                .map(c -> RolloutProgress.of(c, reports))
                .toList();
        return new Snapshot(
                List.copyOf(rows), counts, all.size(), state, q, known, rollouts, neverConnected, archived.size());
    }

    /** One agent's row, if the tenant has it. */
    public Optional<Row> row(String tenantId, String agentId) {
        return agents.find(tenantId, agentId)
                .map(a -> row(a, updates.find(tenantId, agentId).orElse(null)));
    }

    private Row row(Agent a, AgentUpdate update) {
        Optional<AgentConnection> live = a.revoked() ? Optional.empty() : registry.find(a.tenantId(), a.id());
        AgentStatus status = a.revoked()
                ? AgentStatus.OFFLINE
                : live.map(states::of).orElseGet(() -> states.of(a.tenantId(), a.id()));
        return new Row(
                a.id(),
                a.hostname(),
                a.os(),
                a.arch(),
                a.agentVersion(),
                a.labels(),
                status.state(),
                status.detail(),
                status.jobsInFlight(),
                live.map(AgentConnection::lastFrameAt).orElse(a.lastSeenAt()),
                live.map(AgentConnection::remoteAddress).orElse(null),
                a.revoked(),
                Rollout.bucket(a.id()),
                update,
                live.isEmpty() && a.lastSeenAt() == null,
                a.createdAt());
    }

    private static boolean matches(Row r, String q) {
        if (q.isEmpty()) {
            return true;
        }
        return contains(r.id(), q)
                || (r.update() != null && contains(r.update().channel(), q))
                || contains(r.hostname(), q)
                || contains(r.os(), q)
                || contains(r.version(), q)
                || contains(r.address(), q)
                || r.labels().stream().anyMatch(l -> contains(l, q));
    }

    private static boolean contains(String field, String q) {
        return field != null && field.toLowerCase(Locale.ROOT).contains(q);
    }
}
