package io.enginex.edge.server.http;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.cluster.Nodes;
import io.enginex.edge.server.http.ApiViews.AgentStateCounts;
import io.enginex.edge.server.http.ApiViews.OpsPointView;
import io.enginex.edge.server.http.ApiViews.OpsView;
import io.enginex.edge.server.ops.ClusterHistory;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.ops.OpsScope;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * {@code GET /api/v1/ops/metrics?minutes=60&node=NAME}: the last hour for the ops console, in
 * ten-second buckets (connected agents, connects, disconnects, dispatches, completions, errors,
 * latency percentiles), of the whole cluster (every hub node on the database, summed) or, with
 * {@code node}, of one node ({@link ClusterHistory}). Admins and owners of a tenant get their
 * tenant's agents and jobs ({@code "scope":"tenant"}); only a platform key gets every tenant's
 * ({@code "scope":"all"}).
 *
 * <p>{@code GET /api/v1/ops/nodes}: the hub nodes sharing this node's database, which of them runs
 * the sweeps and which are alive (admins; the agents connected to each for a platform key only).
 */
final class OpsApiRoutes {
    /** The longest node name the hub accepts in a query (the {@code hub_nodes} column's width). */
    static final int MAX_NODE_NAME = 200;

    private final ClusterHistory history;
    private final Nodes nodes;
    private final ApiAccess access;

    OpsApiRoutes(ClusterHistory history, Nodes nodes, ApiAccess access) {
        this.history = history;
        this.nodes = nodes;
        this.access = access;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/ops/metrics", this::metrics);
        routes.get("/api/v1/ops/nodes", this::nodes);
    }

    /**
     * One hub node as {@code GET /api/v1/ops/nodes} shows it.
     *
     * @param agents agents connected to it, for a platform key only (it counts every tenant's)
     * @param alive whether it was seen within the time after which a node counts as lost
     * @param leads whether it runs the cluster's sweeps
     */
    record NodeView(
            String name,
            String version,
            String url,
            Instant startedAt,
            Instant seenAt,
            boolean alive,
            boolean leads,
            boolean self,
            Integer agents) {}

    record NodesView(String node, List<NodeView> nodes) {}

    private void nodes(Context ctx) {
        Caller caller = access.caller(ctx);
        caller.requireRole(Role.ADMIN);
        List<NodeView> views = nodes.list().stream()
                .map(n -> new NodeView(
                        n.name(),
                        n.version(),
                        n.url(),
                        n.startedAt(),
                        n.seenAt(),
                        nodes.alive(n.seenAt()),
                        n.leads(),
                        n.name().equals(nodes.name()),
                        caller.platform() ? n.agents() : null))
                .toList();
        ctx.json(new NodesView(nodes.name(), views));
    }

    private void metrics(Context ctx) {
        Caller caller = access.caller(ctx);
        caller.requireRole(Role.ADMIN);
        OpsScope scope = caller.platform() ? OpsScope.ALL : OpsScope.tenant(caller.tenantId());
        String node = ctx.queryParam("node");
        if (node != null && (node.isBlank() || node.length() > MAX_NODE_NAME)) {
            throw new HubException.BadRequest("node must be the name of a hub node (GET /api/v1/ops/nodes lists"
                    + " them), or left out for the whole cluster");
        }
        int minutes = 60;
        String text = ctx.queryParam("minutes");
        if (text != null) {
            try {
                minutes = Integer.parseInt(text);
            } catch (NumberFormatException e) {
                minutes = -1;
            }
            if (minutes < 1 || minutes > 60) {
                throw new HubException.BadRequest("minutes must be 1-60 (the hub keeps the last hour); got " + text);
            }
        }
        ClusterHistory.View view = history.view(scope, node, Duration.ofMinutes(minutes));
        ctx.json(new OpsView(
                history.node(),
                view.cluster() ? "cluster" : "node",
                view.nodes(),
                scope.wire(),
                (int) OpsHistory.BUCKET.toSeconds(),
                minutes,
                new AgentStateCounts(
                        view.agents().online(),
                        view.agents().busy(),
                        view.agents().unresponsive()),
                OpsPointView.of(view.summary()),
                view.buckets().stream().map(OpsPointView::of).toList()));
    }
}
