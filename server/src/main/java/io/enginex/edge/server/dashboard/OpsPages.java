package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.auth.Role;
import io.enginex.edge.server.cluster.Nodes;
import io.enginex.edge.server.connection.AgentState;
import io.enginex.edge.server.ops.ClusterHistory;
import io.enginex.edge.server.ops.OpsHistory;
import io.enginex.edge.server.ops.OpsPoint;
import io.enginex.edge.server.ops.OpsScope;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ops console, {@code GET /ui/ops} (admins): the viewer's tenant over the last hour as small
 * charts — connected agents, dispatch rate, latency percentiles, errors, reconnect waves — and its
 * connected agents by state, for the whole cluster (every hub node on the database, summed) or, with
 * {@code ?node=NAME} (the selector on the page), one node; {@code GET /ui/ops/live} streams the same
 * panel, so it follows without reloading. The numbers come from {@link ClusterHistory} for the
 * viewer's tenant only ({@link OpsScope#tenant}, what {@code GET /api/v1/ops/metrics} answers a
 * tenant's key): a dashboard viewer always belongs to one tenant, and other tenants' agents and jobs
 * are none of its business. Below the charts, the hub nodes sharing the database: which is alive and
 * which runs the sweeps (names and versions only; their agent counts span tenants).
 */
public final class OpsPages implements PageGroup {
    /** The shortest span drawn; a cluster younger than this shows its whole life. */
    static final Duration MINIMUM_WINDOW = Duration.ofMinutes(5);

    private final ClusterHistory history;
    private final Nodes nodes;

    OpsPages(ClusterHistory history, Nodes nodes) {
        this.history = history;
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

    /**
     * A choice of the node selector.
     *
     * @param node the node's name, or null for every node
     */
    public record Choice(String node, String label, boolean selected) {
        /** The value of the selector's option: the node's name, empty for every node. */
        public String value() {
            return node == null ? "" : node;
        }
    }

    /** The page's model; {@code liveUrl} is the SSE stream of the same node choice. */
    public record OpsView(Page page, List<Choice> choices, String liveUrl, Panel panel) {}

    /**
     * What is drawn, as one live fragment.
     *
     * @param view the numbers, of the cluster or one node
     * @param nodes the nodes on the database, the one that drew the page marked
     */
    public record Panel(ClusterHistory.View view, List<OpsCharts.Chart> charts, List<NodeRow> nodes) {
        /** The window's totals, with the connected agents now. */
        public OpsPoint summary() {
            return view.summary();
        }

        /** Dispatches per second over the window. */
        public String dispatchRate() {
            return SvgChart.number(
                    summary().dispatched() / (double) view.window().toSeconds());
        }

        public long minutes() {
            return view.window().toMinutes();
        }

        /** Whose numbers these are: the cluster of N nodes, or one node. */
        public String shown() {
            if (!view.cluster()) {
                return "node " + view.node();
            }
            int n = view.nodes().size();
            return n == 1 ? "cluster (1 node)" : "cluster (" + n + " nodes)";
        }

        public String latency(Double millis) {
            return millis == null ? "–" : SvgChart.number(Math.round(millis * 10) / 10.0) + " ms";
        }

        public int count(AgentState s) {
            return switch (s) {
                case ONLINE -> view.agents().online();
                case BUSY -> view.agents().busy();
                case UNRESPONSIVE -> view.agents().unresponsive();
                case OFFLINE -> 0;
            };
        }
    }

    @Override
    public void register(Pages pages) {
        pages.get("/ui/ops", Role.ADMIN, (ctx, viewer) -> {
            String node = node(ctx);
            Panel panel = panel(viewer, node);
            pages.render(
                    ctx,
                    "ops.jte",
                    new OpsView(pages.page("Ops console", viewer, "ops"), choices(node), liveUrl(node), panel));
        });
        pages.live("/ui/ops/live", Role.ADMIN, "ops", (ctx, viewer) -> {
            String node = node(ctx);
            return () -> pages.fragment("ops/panel.jte", panel(viewer, node));
        });
    }

    /** The node asked for, or null for the cluster (no choice, or the empty one). */
    private static String node(Context ctx) {
        String node = ctx.queryParam("node");
        return node == null || node.isBlank() ? null : node;
    }

    private static String liveUrl(String node) {
        return "/ui/ops/live" + (node == null ? "" : "?node=" + URLEncoder.encode(node, StandardCharsets.UTF_8));
    }

    private List<Choice> choices(String node) {
        List<Choice> choices = new ArrayList<>();
        choices.add(new Choice(null, "all nodes (cluster)", node == null));
        for (String name : history.nodes()) {
            choices.add(new Choice(name, name, name.equals(node)));
        }
        return choices;
    }

    /** The panel of the viewer's tenant, of the cluster or of {@code node}. */
    Panel panel(Viewer viewer, String node) {
        OpsScope scope = OpsScope.tenant(viewer.tenantId());
        ClusterHistory.View view = history.view(scope, node, history.available(MINIMUM_WINDOW));
        return new Panel(
                view,
                OpsCharts.of(view.buckets(), OpsHistory.BUCKET.toSeconds()),
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
