package io.enginex.edge.server.connection;

import io.enginex.edge.server.config.HumanDuration;
import io.enginex.edge.server.ops.OpsScope;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The one place the hub decides whether an agent is online, busy, unresponsive or offline, from its
 * live connection on this node:
 *
 * <ul>
 *   <li>no active connection here, but one to another node of the cluster ({@link Elsewhere}): {@link
 *       AgentState#ONLINE}, with the node named (that node knows whether it is busy);
 *   <li>no active connection anywhere: {@link AgentState#OFFLINE};
 *   <li>no frame at all for {@code unresponsiveAfter} (heartbeats unanswered, not yet dropped), or a
 *       job sent on the connection that was neither acknowledged nor reported progress within {@code
 *       unresponsiveAfter} of its last sign of life: {@link AgentState#UNRESPONSIVE};
 *   <li>jobs in flight, all recently alive: {@link AgentState#BUSY};
 *   <li>otherwise {@link AgentState#ONLINE}.
 * </ul>
 *
 * A tool that runs longer than {@code unresponsiveAfter} should report progress, which renews its
 * lease. Thread-safe; reads only in-memory state, so listing a fleet costs no database query.
 */
public final class AgentStates {
    private final ConnectionRegistry registry;
    private final InFlight inFlight;
    private final Clock clock;
    private final Duration unresponsiveAfter;
    private final Elsewhere elsewhere;

    /** Where the other nodes' agents are. */
    @FunctionalInterface
    public interface Elsewhere {
        /** The other node the agent has an active connection to, if any. */
        Optional<String> nodeOf(String tenantId, String agentId);

        /** Every agent of the tenant connected to another node, with that node; empty for one node alone. */
        default Map<String, String> agentsOf(String tenantId) {
            return Map.of();
        }

        /** One node alone. */
        Elsewhere NONE = (tenantId, agentId) -> Optional.empty();
    }

    /** Where the jobs in flight on a connection are kept ({@code dispatch.Deliveries}). */
    public interface InFlight {
        /**
         * The jobs sent on {@code connection} that have no result yet, each with its last sign of life
         * (sent, acknowledged or progress reported). A snapshot; read without the database.
         */
        Map<String, Instant> of(AgentConnection connection);
    }

    public AgentStates(ConnectionRegistry registry, InFlight inFlight, Clock clock, Duration unresponsiveAfter) {
        this(registry, inFlight, clock, unresponsiveAfter, Elsewhere.NONE);
    }

    public AgentStates(
            ConnectionRegistry registry,
            InFlight inFlight,
            Clock clock,
            Duration unresponsiveAfter,
            Elsewhere elsewhere) {
        this.elsewhere = elsewhere;
        this.registry = registry;
        this.inFlight = inFlight;
        this.clock = clock;
        this.unresponsiveAfter = unresponsiveAfter;
    }

    /** The agent's status now; {@link AgentStatus#OFFLINE} when it is connected to no node. */
    public AgentStatus of(String tenantId, String agentId) {
        Optional<AgentConnection> here = registry.find(tenantId, agentId);
        if (here.isPresent()) {
            return of(here.get());
        }
        return elsewhere
                .nodeOf(tenantId, agentId)
                .map(node -> new AgentStatus(AgentState.ONLINE, "connected to hub node " + node, null, 0, null, null))
                .orElse(AgentStatus.OFFLINE);
    }

    /**
     * Whether a report the agent sent at {@code reportedAt} (by the clock of the node that received it)
     * still describes it: the agent is connected and answering, and, when its connection is on this
     * node, the report came on that connection, not on an earlier one. For a connection on another node,
     * only that it is connected is known here. False for an agent connected to no node or unresponsive:
     * its report is then only the last known.
     */
    public boolean reportedOnLiveConnection(String tenantId, String agentId, Instant reportedAt) {
        Optional<AgentConnection> here = registry.find(tenantId, agentId);
        if (here.isPresent()) {
            AgentConnection c = here.get();
            // reportedAt went through the database, which keeps microseconds.
            return of(c).state() != AgentState.UNRESPONSIVE
                    && !reportedAt.isBefore(c.connectedAt().truncatedTo(ChronoUnit.MICROS));
        }
        return elsewhere.nodeOf(tenantId, agentId).isPresent();
    }

    /**
     * The status now of every agent of the tenant connected to this node or another, by agent id; the
     * agents absent are offline. Reads this node's memory and the other nodes' one cached reading, so a
     * fleet of 10,000 costs no query per agent.
     */
    public Map<String, AgentStatus> connected(String tenantId) {
        Map<String, AgentStatus> statuses = new HashMap<>();
        elsewhere
                .agentsOf(tenantId)
                .forEach((agentId, node) -> statuses.put(
                        agentId,
                        new AgentStatus(AgentState.ONLINE, "connected to hub node " + node, null, 0, null, null)));
        for (AgentConnection c : registry.active()) {
            if (c.tenantId().equals(tenantId)) {
                statuses.put(c.agentId(), of(c));
            }
        }
        return statuses;
    }

    /** The status of one live connection now. */
    public AgentStatus of(AgentConnection c) {
        Instant now = clock.instant();
        Instant cutoff = now.minus(unresponsiveAfter);
        Map<String, Instant> inFlight = this.inFlight.of(c);
        if (c.lastFrameAt().isBefore(cutoff)) {
            return new AgentStatus(
                    AgentState.UNRESPONSIVE,
                    "connected, but no frame for " + since(c.lastFrameAt(), now) + " (heartbeats unanswered)",
                    null,
                    inFlight.size(),
                    c.lastFrameAt(),
                    c.lastProgressAt());
        }
        if (inFlight.isEmpty()) {
            return new AgentStatus(AgentState.ONLINE, null, null, 0, c.lastFrameAt(), c.lastProgressAt());
        }
        Map.Entry<String, Instant> stalest = null;
        for (Map.Entry<String, Instant> e : inFlight.entrySet()) {
            if (stalest == null
                    || e.getValue().isBefore(stalest.getValue())
                    || (e.getValue().equals(stalest.getValue()) && e.getKey().compareTo(stalest.getKey()) < 0)) {
                stalest = e;
            }
        }
        if (stalest.getValue().isBefore(cutoff)) {
            return new AgentStatus(
                    AgentState.UNRESPONSIVE,
                    "connected, but job " + stalest.getKey() + " has shown no ack or progress for "
                            + since(stalest.getValue(), now) + " (limit " + HumanDuration.format(unresponsiveAfter)
                            + ")",
                    stalest.getKey(),
                    inFlight.size(),
                    c.lastFrameAt(),
                    c.lastProgressAt());
        }
        return new AgentStatus(AgentState.BUSY, null, null, inFlight.size(), c.lastFrameAt(), c.lastProgressAt());
    }

    /**
     * How many of the agents of {@code scope} connected to this node are in each state; offline is
     * absent. {@link OpsScope#ALL} counts every tenant's, so only platform principals may see it.
     */
    public Map<AgentState, Integer> countConnected(OpsScope scope) {
        Map<AgentState, Integer> counts = new EnumMap<>(AgentState.class);
        for (AgentState s : AgentState.values()) {
            if (s != AgentState.OFFLINE) {
                counts.put(s, 0);
            }
        }
        for (AgentConnection c : registry.active()) {
            if (scope.all() || scope.tenantId().equals(c.tenantId())) {
                counts.merge(of(c).state(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /**
     * By tenant, how many of its agents connected to this node are in each state; tenants with none
     * are absent, offline is never counted. One pass over the node's connections.
     */
    public Map<String, Map<AgentState, Integer>> countConnectedByTenant() {
        Map<String, Map<AgentState, Integer>> counts = new HashMap<>();
        for (AgentConnection c : registry.active()) {
            counts.computeIfAbsent(c.tenantId(), t -> new EnumMap<>(AgentState.class))
                    .merge(of(c).state(), 1, Integer::sum);
        }
        return counts;
    }

    /** How long an agent may stay silent on a job before it is unresponsive. */
    public Duration unresponsiveAfter() {
        return unresponsiveAfter;
    }

    private static String since(Instant then, Instant now) {
        return HumanDuration.format(Duration.between(then, now).truncatedTo(ChronoUnit.SECONDS));
    }
}
