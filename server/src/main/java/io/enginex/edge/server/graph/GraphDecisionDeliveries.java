package io.enginex.edge.server.graph;

import io.enginex.edge.protocol.GraphDecision;
import io.enginex.edge.server.cluster.Cluster;
import io.enginex.edge.server.cluster.Signal;
import io.enginex.edge.server.connection.AgentConnection;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.store.GraphApprovalRecord;
import io.enginex.edge.server.store.GraphApprovalStore;
import java.time.Clock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the decisions on graph steps ({@code graph_approvals} rows in state {@code decided}) to their
 * agents, on whichever node holds the agent's socket, as {@link GraphStartDeliveries} sends starts: a
 * {@link Signal.Kind#GRAPH_DECISION} signal tells the other nodes to look, the one node that {@linkplain
 * GraphApprovalStore#claim claims} a row writes the frame, and an agent not connected anywhere gets its
 * decisions after its next hello ({@link #ready}). A decision sent but not answered (the socket died)
 * goes back in the queue at the agent's next hello; the agent applies a decision once by its id, so one
 * that reaches it twice is answered and not applied again. Thread-safe; every method reads the database
 * on the calling thread.
 */
public final class GraphDecisionDeliveries {
    private static final Logger log = LoggerFactory.getLogger(GraphDecisionDeliveries.class);

    /** The most decided approvals the cluster sweep looks at in one pass. */
    static final int SWEEP_LIMIT = 500;

    private final GraphApprovalStore store;
    private final ConnectionRegistry registry;
    private final Cluster cluster;
    private final Clock clock;
    private final String node;

    public GraphDecisionDeliveries(
            GraphApprovalStore store, ConnectionRegistry registry, Cluster cluster, Clock clock, String node) {
        this.store = store;
        this.registry = registry;
        this.cluster = cluster;
        this.clock = clock;
        this.node = node;
    }

    /** A decision was stored: sent if its agent is connected here, else the other nodes are told. */
    public void offer(String tenantId, String agentId, String approvalId) {
        Optional<AgentConnection> here = registry.find(tenantId, agentId);
        if (here.isPresent()) {
            deliver(here.get());
        } else {
            cluster.publish(Signal.graphDecision(tenantId, agentId, approvalId));
        }
    }

    /** Another node stored a decision for the agent: sent if the agent is connected here. */
    public void offerHere(String tenantId, String agentId) {
        registry.find(tenantId, agentId).ifPresent(this::deliver);
    }

    /**
     * The agent's hello was answered on {@code connection}: decisions sent on an earlier connection and not
     * answered go back in the queue, and every queued one is sent.
     */
    public void ready(AgentConnection connection) {
        store.requeueSent(connection.tenantId(), connection.agentId());
        deliver(connection);
    }

    /** Signals may have been lost: sends the decisions of the agents connected here. Never throws. */
    public void sweep() {
        try {
            for (GraphApprovalRecord a : store.decided(SWEEP_LIMIT)) {
                registry.find(a.tenantId(), a.agentId()).ifPresent(c -> send(c, a));
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("reason", e.toString()).log("cannot sweep graph decisions; retried later");
        }
    }

    private void deliver(AgentConnection connection) {
        for (GraphApprovalRecord a : store.decidedFor(connection.tenantId(), connection.agentId())) {
            send(connection, a);
        }
    }

    private void send(AgentConnection connection, GraphApprovalRecord a) {
        if (!store.claim(a.tenantId(), a.id(), node, clock.instant())) {
            return; // sent by another node or caller since it was read
        }
        GraphDecision frame = new GraphDecision(
                connection.nextFrameId(),
                a.id(),
                a.runId(),
                a.stepId(),
                Boolean.TRUE.equals(a.approved()),
                a.decidedBy(),
                a.decisionReason());
        if (!connection.send(frame)) {
            store.requeue(a.tenantId(), a.id());
            log.atInfo()
                    .addKeyValue("agentId", a.agentId())
                    .addKeyValue("approvalId", a.id())
                    .log("the agent's socket closed before a graph decision was written; it is sent at its next hello");
            return;
        }
        log.atInfo()
                .addKeyValue("agentId", a.agentId())
                .addKeyValue("approvalId", a.id())
                .addKeyValue("approved", a.approved())
                .log("sent a graph step decision to its agent");
    }
}
