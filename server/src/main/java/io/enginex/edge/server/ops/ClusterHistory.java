package io.enginex.edge.server.ops;

import io.enginex.edge.server.HubException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The ops console's numbers for the cluster, the sum over the hub nodes on the database, or for one
 * node: this node's from its own {@link OpsHistory} (to the current, partial bucket), the others'
 * from the buckets they wrote ({@link OpsBuckets}; to their last finished bucket, so the current
 * bucket counts this node only until the others write theirs, at most {@link OpsWriter#INTERVAL}
 * after it ends). Counters and connected agents are summed per bucket and percentiles read from the
 * nodes' merged histograms ({@link OpsMerge}). A tenant's view reads only that tenant's rows; every
 * tenant's view (the node totals) is for platform principals, whom the adapters check.
 *
 * <p>Connected agents "now" are this node's as they are and, for each other node that wrote its
 * last bucket within {@link #LIVE_BUCKETS} buckets (a node that stopped, or was lost, drops out), its
 * agents as that bucket closed. The buckets a node wrote before it stopped stay in the sums for the
 * hour they cover: they happened.
 *
 * <p>The shared rows are read at most once per {@link #FRESH} for each tenant and node asked about
 * (a busy tenant's live console re-renders on every job). On the embedded database there are none
 * ({@link OpsBuckets#NONE}): the cluster is this node. Thread-safe.
 */
public final class ClusterHistory {
    /** How long one reading of the shared rows is used. */
    public static final Duration FRESH = Duration.ofSeconds(1);

    /** A node whose last written bucket is older than this many buckets counts as gone. */
    static final int LIVE_BUCKETS = 2;

    private final OpsHistory self;
    private final OpsBuckets shared;
    private final Function<OpsScope, AgentCounts> here;
    private final Supplier<Collection<String>> members;
    private final Clock clock;
    private final ConcurrentHashMap<Key, Reading<List<OpsBuckets.Row>>> rows = new ConcurrentHashMap<>();
    private volatile Reading<Map<String, OpsBuckets.Span>> spans;

    private record Key(String tenantId, String node) {}

    private record Reading<T>(Instant at, T value) {}

    /**
     * What the console shows.
     *
     * @param node the node asked for, or null for the cluster
     * @param nodes the nodes whose numbers are in it, by name
     * @param summary the window's totals, with the connected agents now
     * @param agents the connected agents now, by state
     * @param buckets one point per bucket, oldest first, the current (partial) one last
     */
    public record View(
            String node,
            List<String> nodes,
            Duration window,
            OpsPoint summary,
            AgentCounts agents,
            List<OpsPoint> buckets) {
        /** Whether this is the sum over the nodes. */
        public boolean cluster() {
            return node == null;
        }
    }

    /**
     * @param here this node's connected agents of a scope now, by state
     * @param members the names of the nodes on the database now ({@code hub_nodes}), for checking a
     *     node asked for that has written no bucket yet
     */
    public ClusterHistory(
            OpsHistory self,
            OpsBuckets shared,
            Function<OpsScope, AgentCounts> here,
            Supplier<Collection<String>> members,
            Clock clock) {
        this.self = self;
        this.shared = shared;
        this.here = here;
        this.members = members;
        this.clock = clock;
    }

    /** The node that answers. */
    public String node() {
        return self.node();
    }

    /**
     * The numbers of {@code scope} over the last {@code window} (at most an hour).
     *
     * @param node one node's numbers, or null for the cluster's
     * @throws HubException.NotFound when no node of that name is on the database or has numbers in the
     *     last hour
     */
    public View view(OpsScope scope, String node, Duration window) {
        long current = self.currentIndex();
        long from = current
                - Math.max(1, Math.min(OpsHistory.BUCKETS, window.toMillis() / OpsHistory.BUCKET.toMillis()))
                + 1;
        Map<String, OpsBuckets.Span> written = spans(current);
        boolean mine = node == null || node.equals(self.node());
        if (!mine && !written.containsKey(node) && !members.get().contains(node)) {
            throw new HubException.NotFound(
                    "node_not_found",
                    "no hub node named \"" + node + "\" is on this database or has numbers in the last hour;"
                            + " GET /api/v1/ops/nodes lists the nodes (leave node out for the whole cluster)");
        }
        List<OpsBuckets.Row> theirs =
                node != null && mine && from >= self.firstIndex() ? List.of() : read(scope, node, current);
        List<OpsBuckets.Row> in = new ArrayList<>();
        SortedSet<String> nodes = new TreeSet<>();
        for (OpsBuckets.Row r : theirs) {
            // this node's buckets since it started come from its memory, which has the current one too
            if (r.index() >= from && !(r.node().equals(self.node()) && r.index() >= self.firstIndex())) {
                in.add(r);
                nodes.add(r.node());
            }
        }
        AgentCounts agents = AgentCounts.NONE;
        if (mine) {
            in.addAll(self.rows(scope, from));
            agents = here.apply(scope);
            nodes.add(self.node());
        }
        for (Map.Entry<String, OpsBuckets.Span> e : written.entrySet()) {
            String other = e.getKey();
            long last = e.getValue().last();
            if (other.equals(self.node()) || (node != null && !node.equals(other)) || last < current - LIVE_BUCKETS) {
                continue;
            }
            for (OpsBuckets.Row r : theirs) {
                if (r.node().equals(other) && r.index() == last && r.connected() != null) {
                    agents = agents.plus(counts(r));
                }
            }
        }
        if (node != null) {
            nodes.add(node);
        }
        return new View(
                node,
                List.copyOf(nodes),
                window,
                OpsMerge.summary(in, from, current, agents.connected()),
                agents,
                OpsMerge.series(in, from, current));
    }

    /**
     * The nodes a console may choose from: those on the database now and those with numbers in the
     * last hour, by name.
     */
    public SortedSet<String> nodes() {
        SortedSet<String> names = new TreeSet<>(members.get());
        names.addAll(spans(self.currentIndex()).keySet());
        names.add(self.node());
        return names;
    }

    /**
     * How much history the cluster has: since the first bucket of any node in the last hour (this
     * node's start included), at least {@code minimum} and at most an hour, in whole buckets. A console
     * draws this window so a young cluster's few minutes fill the chart.
     */
    public Duration available(Duration minimum) {
        long current = self.currentIndex();
        long first = self.firstIndex();
        for (OpsBuckets.Span s : spans(current).values()) {
            first = Math.min(first, s.first());
        }
        long millis = Math.max(minimum.toMillis(), (current - first + 1) * OpsHistory.BUCKET.toMillis());
        return Duration.ofMillis(Math.min(millis, OpsHistory.BUCKETS * OpsHistory.BUCKET.toMillis()));
    }

    /** The agents of a row as its bucket closed; a row of an older release without states counts them online. */
    private static AgentCounts counts(OpsBuckets.Row r) {
        int connected = Math.max(0, r.connected());
        int busy = Math.clamp(r.busy() == null ? 0 : r.busy(), 0, connected);
        int unresponsive = Math.clamp(r.unresponsive() == null ? 0 : r.unresponsive(), 0, connected - busy);
        return new AgentCounts(connected, busy, unresponsive);
    }

    /** The last hour's shared rows of the scope (and node), read at most once per {@link #FRESH}. */
    private List<OpsBuckets.Row> read(OpsScope scope, String node, long current) {
        Instant now = clock.instant();
        rows.values().removeIf(r -> !fresh(r, now));
        return rows.compute(
                        new Key(scope.tenantId(), node),
                        (k, old) -> fresh(old, now)
                                ? old
                                : new Reading<>(
                                        now, shared.read(k.tenantId(), k.node(), current - OpsHistory.BUCKETS + 1)))
                .value();
    }

    private Map<String, OpsBuckets.Span> spans(long current) {
        Instant now = clock.instant();
        Reading<Map<String, OpsBuckets.Span>> s = spans;
        if (!fresh(s, now)) {
            s = new Reading<>(now, Map.copyOf(shared.spans(current - OpsHistory.BUCKETS + 1)));
            spans = s;
        }
        return s.value();
    }

    private static boolean fresh(Reading<?> r, Instant now) {
        return r != null && r.at().plus(FRESH).isAfter(now) && !r.at().isAfter(now);
    }
}
