package io.enginex.edge.server.graph;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.GraphStart;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.GraphStartRecord;
import io.enginex.edge.server.store.GraphStartStore;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the hub's graph starts ({@code graph_starts} rows) to their agents, on whichever node holds the
 * agent's socket, as jobs reach agents ({@code Deliveries}): the row is the record, a {@link
 * Signal.Kind#GRAPH_START} signal tells the other nodes to look, and the node holding the agent sends
 * what is queued for it. An agent not connected anywhere gets its queued starts after its next hello
 * ({@link #ready}). A start is written to a socket by the one node that {@linkplain GraphStartStore#claim
 * claims} it; one whose frame could not be written goes back in the queue. The agent keeps the ids of
 * the starts it ran, so a start that reaches it twice (a socket that died after the write) runs once.
 * Thread-safe; every method reads the database on the calling thread.
 */
public final class GraphStartDeliveries {
    private static final Logger log = LoggerFactory.getLogger(GraphStartDeliveries.class);

    /** How long a start is kept after it was sent, cancelled or expired. */
    public static final Duration RETENTION = Duration.ofDays(30);

    /** The most queued starts the cluster sweep looks at in one pass. */
    static final int SWEEP_LIMIT = 500;

    private final GraphStartStore store;
    private final ConnectionRegistry registry;
    private final Cluster cluster;
    private final Clock clock;
    private final ObjectMapper mapper;
    private final String node;

    public GraphStartDeliveries(
            GraphStartStore store,
            ConnectionRegistry registry,
            Cluster cluster,
            Clock clock,
            ObjectMapper mapper,
            String node) {
        this.store = store;
        this.registry = registry;
        this.cluster = cluster;
        this.clock = clock;
        this.mapper = mapper;
        this.node = node;
    }

    /**
     * A start was stored: sends it if its agent is connected here, else tells the other nodes (the one
     * holding the agent sends it; if none does, it waits for the agent's next hello).
     */
    public void offer(String tenantId, String agentId, String startId) {
        Optional<AgentConnection> here = registry.find(tenantId, agentId);
        if (here.isPresent()) {
            deliver(here.get());
        } else {
            cluster.publish(Signal.graphStart(tenantId, agentId, startId));
        }
    }

    /** Another node stored a start for the agent: sends the agent its queued starts if it is connected here. */
    public void offerHere(String tenantId, String agentId) {
        registry.find(tenantId, agentId).ifPresent(this::deliver);
    }

    /** The agent's hello was answered on {@code connection}: sends it every queued start. */
    public void ready(AgentConnection connection) {
        deliver(connection);
    }

    /**
     * Signals may have been lost: sends the queued starts of the agents connected here. Never throws.
     */
    public void sweep() {
        try {
            for (GraphStartRecord start : store.queued(clock.instant(), SWEEP_LIMIT)) {
                registry.find(start.tenantId(), start.agentId()).ifPresent(c -> send(c, start));
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("reason", e.toString()).log("cannot sweep queued graph starts; retried later");
        }
    }

    /**
     * Deletes the starts that ended (sent, cancelled or expired) more than {@link #RETENTION} ago; run
     * periodically by the leading node. Never throws.
     */
    public void purge() {
        try {
            int deleted = store.purgeEnded(clock.instant().minus(RETENTION));
            if (deleted > 0) {
                log.atInfo()
                        .addKeyValue("deleted", deleted)
                        .addKeyValue("retention", RETENTION)
                        .log("purged graph starts that ended longer ago than their retention");
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("reason", e.toString()).log("cannot purge old graph starts; retried later");
        }
    }

    private void deliver(AgentConnection connection) {
        for (GraphStartRecord start : store.queuedFor(connection.tenantId(), connection.agentId(), clock.instant())) {
            send(connection, start);
        }
    }

    private void send(AgentConnection connection, GraphStartRecord start) {
        if (!store.claim(start.tenantId(), start.id(), node, clock.instant())) {
            return; // sent by another node or caller, cancelled, or expired since it was read
        }
        GraphStart frame = new GraphStart(
                connection.nextFrameId(),
                start.id(),
                start.graphId(),
                start.graphName(),
                input(start),
                start.startedBy());
        if (!connection.send(frame)) {
            store.requeue(start.tenantId(), start.id());
            log.atInfo()
                    .addKeyValue("agentId", start.agentId())
                    .addKeyValue("startId", start.id())
                    .log("the agent's socket closed before a graph start was written; it is sent at its next hello");
            return;
        }
        log.atInfo()
                .addKeyValue("agentId", start.agentId())
                .addKeyValue("startId", start.id())
                .addKeyValue("graph", start.graphName())
                .log("sent a graph start to its agent");
    }

    private JsonNode input(GraphStartRecord start) {
        try {
            return mapper.readTree(start.input());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("graph start " + start.id() + " has an input that is not JSON", e);
        }
    }
}
