package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.cluster.Nodes;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.connection.AgentStates;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.ops.OpsPoint;
import io.enginex.edge.server.ops.OpsScope;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The ops console, {@code GET /ui/ops} (admins): the viewer's tenant on this hub node over the last
 * hour as small charts — connected agents, dispatch rate, latency percentiles, errors, reconnect
 * waves — and its connected agents by state; {@code GET /ui/ops/live} streams the same panel, so it
 * follows the node without reloading. The numbers come from {@link OpsHistory} for the viewer's
 * tenant only ({@link OpsScope#tenant}, what {@code GET /api/v1/ops/metrics} answers a tenant's
 * key): a dashboard viewer always belongs to one tenant, and other tenants' agents and jobs on the
 * same node are none of its business. Below the charts, the hub nodes sharing the database: which
 * is alive and which runs the sweeps (names and versions only; their agent counts span tenants).
 */
public final class OpsPages implements PageGroup {
    /** The shortest span drawn; a node younger than this shows its whole life. */
    static final Duration MINIMUM_WINDOW = Duration.ofMinutes(5);

    private final OpsHistory history;
    private final AgentStates states;
    private final Nodes nodes;

    OpsPages(OpsHistory history, AgentStates states, Nodes nodes) {
        this.history = history;
        this.states = states;
        this.nodes = nodes;
    }

    /**
     * A hub node on this database, as the panel lists it.
     *
     * @param self whether it is the node that drew the page
     */
    public record NodeRow(
            String name,
            String version,
            Instant startedAt,
            Instant seenAt,
            boolean alive,
            boolean leads,
            boolean self) {}

    /** The page's model. */
    public record OpsView(Page page, Panel panel) {}

    /**
     * What is drawn, as one live fragment.
     *
     * @param summary the hour's totals (connected agents as of now)
     * @param agents connected agents by state, offline left out
     */
    public record Panel(
            String node,
            Duration window,
            OpsPoint summary,
            Map<AgentState, Integer> agents,
            List<OpsCharts.Chart> charts,
            List<NodeRow> nodes) {
        /** Dispatches per second over the window. */
        public String dispatchRate() {
            return SvgChart.number(summary.dispatched() / (double) window.toSeconds());
        }

        public long minutes() {
            return window.toMinutes();
        }

        public String latency(Double millis) {
            return millis == null ? "–" : SvgChart.number(Math.round(millis * 10) / 10.0) + " ms";
        }

        public int count(AgentState s) {
            return agents.getOrDefault(s, 0);
        }
    }

    @Override
    public void register(Pages pages) {
        pages.get(
                "/ui/ops",
                Role.ADMIN,
                (ctx, viewer) -> pages.render(
                        ctx, "ops.jte", new OpsView(pages.page("Ops console", viewer, "ops"), panel(viewer))));
        pages.live(
                "/ui/ops/live",
                Role.ADMIN,
                "ops",
                (ctx, viewer) -> () -> pages.fragment("ops/panel.jte", panel(viewer)));
    }

    /** The panel of the viewer's tenant. */
    Panel panel(Viewer viewer) {
        OpsScope scope = OpsScope.tenant(viewer.tenantId());
        Duration window = history.available(MINIMUM_WINDOW);
        List<OpsPoint> points = history.series(scope, window);
        return new Panel(
                history.node(),
                window,
                history.summary(scope, window),
                states.countConnected(scope),
                OpsCharts.of(points, OpsHistory.BUCKET.toSeconds()),
                nodes.list().stream()
                        .map(n -> new NodeRow(
                                n.name(),
                                n.version(),
                                n.startedAt(),
                                n.seenAt(),
                                nodes.alive(n.seenAt()),
                                n.leads(),
                                n.name().equals(nodes.name())))
                        .toList());
    }
}
