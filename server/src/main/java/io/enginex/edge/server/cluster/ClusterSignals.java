package io.enginex.edge.server.cluster;

import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.LiveViews;
import io.enginex.edge.server.connection.ConnectionRegistry;
import io.enginex.edge.server.dispatch.Deliveries;
import io.enginex.edge.server.dispatch.JobWaiters;
import io.enginex.edge.server.graph.GraphStartDeliveries;
import io.enginex.edge.server.policy.TenantPolicies;
import io.enginex.edge.server.store.PolicyScope;
import io.enginex.edge.server.update.ReleaseNotices;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this node does with the other nodes' signals: each acts on this node only (it is never sent
 * on again), so a signal travels one hop. Thread-safe (stateless).
 */
public final class ClusterSignals implements PgCluster.Receiver {
    private static final Logger log = LoggerFactory.getLogger(ClusterSignals.class);

    private final ConnectionRegistry registry;
    private final Deliveries deliveries;
    private final JobWaiters waiters;
    private final TenantPolicies policies;
    private final LiveViews live;
    private final ReleaseNotices notices;
    private final Clock clock;
    private final java.util.function.BiConsumer<String, String> vault;
    private final GraphStartDeliveries graphStarts;
    private final io.enginex.edge.server.graph.GraphDecisionDeliveries graphDecisions;

    /**
     * @param live this node's live views only (not one that tells the cluster)
     */
    public ClusterSignals(
            ConnectionRegistry registry,
            Deliveries deliveries,
            JobWaiters waiters,
            TenantPolicies policies,
            LiveViews live,
            ReleaseNotices notices,
            Clock clock) {
        this(registry, deliveries, waiters, policies, live, notices, clock, (tenant, agent) -> {}, null, null);
    }

    /**
     * @param vault sends the tenant's agents on this node (one agent, or all when it is empty) their pending vault frames
     * @param graphStarts sends the agents on this node their queued graph starts, or null for a node that sends none
     * @param graphDecisions sends the agents on this node their decided graph approvals, or null for a node that sends
     *     none
     */
    public ClusterSignals(
            ConnectionRegistry registry,
            Deliveries deliveries,
            JobWaiters waiters,
            TenantPolicies policies,
            LiveViews live,
            ReleaseNotices notices,
            Clock clock,
            java.util.function.BiConsumer<String, String> vault,
            GraphStartDeliveries graphStarts,
            io.enginex.edge.server.graph.GraphDecisionDeliveries graphDecisions) {
        this.graphDecisions = graphDecisions;
        this.vault = vault;
        this.graphStarts = graphStarts;
        this.registry = registry;
        this.deliveries = deliveries;
        this.waiters = waiters;
        this.policies = policies;
        this.live = live;
        this.notices = notices;
        this.clock = clock;
    }

    @Override
    public void received(Signal s) {
        switch (s.kind()) {
            case SEND -> deliveries.offerQueued(s.tenantId(), s.target(), s.jobId());
            case CANCEL -> deliveries.cancelExpired(s.tenantId(), s.target(), s.jobId());
            case DONE -> {
                waiters.woken(s.jobId());
                live.changed(s.tenantId());
            }
            case CUT -> {
                int closed = registry.closeAgent(
                        s.tenantId(), s.target(), Protocol.CLOSE_REVOKED, "agent revoked on another hub node");
                if (closed > 0) {
                    log.atInfo()
                            .addKeyValue("agentId", s.target())
                            .addKeyValue("sockets", closed)
                            .log("closed a revoked agent's sockets on another node's word");
                }
            }
            case MOVED -> {
                int closed = registry.closeReplaced(
                        s.tenantId(),
                        s.target(),
                        s.movedOpenedAt(),
                        "replaced by a newer connection of the same agent to another hub node");
                if (closed > 0) {
                    log.atInfo()
                            .addKeyValue("agentId", s.target())
                            .addKeyValue("sockets", closed)
                            .log("agent connected to another node; closed its older socket here");
                }
            }
            case POLICY -> policies.pushHere(s.tenantId(), PolicyScope.parse(s.target()));
            case LIVE -> live.changed(s.tenantId());
            case PIN -> notices.pinChangedHere(s.tenantId());
            case VAULT -> vault.accept(s.tenantId(), s.target());
            case GRAPH_START -> {
                if (graphStarts != null) {
                    graphStarts.offerHere(s.tenantId(), s.target());
                }
            }
            case GRAPH_DECISION -> {
                if (graphDecisions != null) {
                    graphDecisions.offerHere(s.tenantId(), s.target());
                }
            }
        }
    }

    /** Signals may have been lost while the listener reconnected: send what is queued for agents here. */
    @Override
    public void missed() {
        deliveries.sweepQueued(clock.instant());
        if (graphStarts != null) {
            graphStarts.sweep();
        }
        if (graphDecisions != null) {
            graphDecisions.sweep();
        }
    }
}
