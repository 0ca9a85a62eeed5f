package io.enginex.edge.server.dashboard;

import io.enginex.edge.common.update.ChannelState;
import io.enginex.edge.common.update.Rollout;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.connection.AgentStatus;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.fleet.FleetFilter;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.store.AgentQuery;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.AgentUpdate;
import io.enginex.edge.server.store.AgentUpdateStore;
import io.enginex.edge.server.update.RolloutProgress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
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
     * One page of the agents matching a filter, with the counts of all the tenant's agents (not archived).
     *
     * @param rows the page's rows, in the filter's order
     * @param counts all agents by state
     * @param total all agents (not archived)
     * @param matching the agents matching the filter, on all pages
     * @param byOs all agents by OS, most first; byVersion the same by agent version
     * @param channels the release channels of the update repository (none without one)
     * @param rollouts each channel's rollout over this tenant's agents, ring by ring (channels with a version)
     * @param neverConnected how many of the agents (all, not only the matching) registered and never connected
     * @param archived how many archived agents are left out (of the rows, the counts and the total)
     */
    public record Snapshot(
            List<Row> rows,
            Map<AgentState, Integer> counts,
            int total,
            FleetFilter filter,
            int matching,
            List<Count> byOs,
            List<Count> byVersion,
            List<ChannelState> channels,
            List<RolloutProgress> rollouts,
            int neverConnected,
            int archived) {
        public int count(AgentState s) {
            return counts.getOrDefault(s, 0);
        }

        /** The state filter, or null for any. */
        public AgentState state() {
            return filter.state();
        }

        /** The search text, or empty. */
        public String query() {
            return filter.search();
        }

        /** The number of pages (at least 1). */
        public int pages() {
            return Math.max(1, (matching + filter.size() - 1) / filter.size());
        }

        /** The 1-based position of the page's first and last row among the matching, e.g. 51 and 100. */
        public int from() {
            return rows.isEmpty() ? 0 : filter.offset() + 1;
        }

        public int to() {
            return filter.offset() + rows.size();
        }
    }

    /** How many agents have one value (an OS, a version; "unknown" for an agent that never said). */
    public record Count(String value, int count) {}

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

    /**
     * The page of the tenant's agents that {@code filter} asks for and the counts at the top: a count
     * and a page query, the aggregate query of the counts, the update reports (one query) and the
     * connected agents' states from memory; nothing per agent.
     */
    public Snapshot snapshot(String tenantId, FleetFilter filter) {
        Map<String, AgentStatus> connected = states.connected(tenantId);
        AgentQuery.Page page = agents.page(tenantId, filter.toQuery(connected));
        AgentQuery.Facets facets = agents.facets(tenantId);
        Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
        int online = 0;
        for (AgentStatus status : connected.values()) {
            counts.merge(status.state(), 1, Integer::sum);
            online++;
        }
        counts.put(AgentState.OFFLINE, Math.max(0, facets.total() - online));
        List<ChannelState> known = channels.get();
        boolean rolling = known.stream().anyMatch(c -> c.version() != null);
        List<AgentUpdate> reports = rolling ? updates.list(tenantId) : List.of();
        Map<String, AgentUpdate> byAgent = new HashMap<>();
        reports.forEach(u -> byAgent.put(u.agentId(), u));
        List<Row> rows = new ArrayList<>();
        for (Agent a : page.rows()) {
            AgentUpdate update = rolling
                    ? byAgent.get(a.id())
                    : updates.find(tenantId, a.id()).orElse(null);
            rows.add(row(
                    a,
                    update,
                    a.revoked() ? AgentStatus.OFFLINE : connected.getOrDefault(a.id(), AgentStatus.OFFLINE)));
        }
        List<RolloutProgress> rollouts = known.stream()
                .filter(c -> c.version() != null)
                .map(c -> RolloutProgress.of(c, reports))
                .toList();
        Map<String, Integer> byOs = new HashMap<>();
        Map<String, Integer> byVersion = new HashMap<>();
        for (AgentQuery.Facet f : facets.byOsAndVersion()) {
            byOs.merge(f.os() == null ? UNKNOWN : f.os(), f.count(), Integer::sum);
            byVersion.merge(f.version() == null ? UNKNOWN : f.version(), f.count(), Integer::sum);
        }
        return new Snapshot(
                List.copyOf(rows),
                counts,
                facets.total(),
                filter,
                page.total(),
                sorted(byOs),
                sorted(byVersion),
                known,
                rollouts,
                facets.neverSeen(),
                facets.archived());
    }

    /** What the counts call an OS or version an agent never reported. */
    public static final String UNKNOWN = "unknown";

    private static List<Count> sorted(Map<String, Integer> counts) {
        return counts.entrySet().stream()
                .map(e -> new Count(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingInt(Count::count).reversed().thenComparing(Count::value))
                .toList();
    }

    /**
     * Every agent matching {@code filter} (all pages, in its order), {@code batch} rows at a time, for an
     * export: each batch is a new page query, so a tenant of any size streams in bounded memory.
     */
    public void each(String tenantId, FleetFilter filter, int batch, Consumer<Row> sink) {
        Map<String, AgentStatus> connected = states.connected(tenantId);
        AgentQuery query = filter.toQuery(connected);
        for (int offset = 0; ; offset += batch) {
            AgentQuery.Page page = agents.page(tenantId, query.at(offset, batch));
            for (Agent a : page.rows()) {
                sink.accept(row(
                        a,
                        null,
                        a.revoked() ? AgentStatus.OFFLINE : connected.getOrDefault(a.id(), AgentStatus.OFFLINE)));
            }
            if (page.rows().size() < batch) {
                return;
            }
        }
    }

    /** One agent's row, if the tenant has it. */
    public Optional<Row> row(String tenantId, String agentId) {
        return agents.find(tenantId, agentId)
                .map(a -> row(
                        a,
                        updates.find(tenantId, agentId).orElse(null),
                        a.revoked() ? AgentStatus.OFFLINE : states.of(tenantId, agentId)));
    }

    private Row row(Agent a, AgentUpdate update, AgentStatus status) {
        Optional<AgentConnection> live = a.revoked() ? Optional.empty() : registry.find(a.tenantId(), a.id());
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
}
