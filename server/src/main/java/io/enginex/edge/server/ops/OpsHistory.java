package io.enginex.edge.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The last hour of this hub node's operating numbers, in memory, for the ops console: for the whole
 * node and, separately, for each tenant with agents or jobs on it ({@link OpsScope}), each a ring of
 * {@value #BUCKETS} buckets of {@link #BUCKET} (see {@link OpsRing}). Every bucket holds counters
 * (connects, disconnects, dispatches, completions, errors), the connected-agent count last sampled in
 * it and a {@link LatencyBins} histogram, so memory stays fixed however busy the node is: about 30 KB
 * per ring, plus up to 250 KB for a ring whose tenant finishes jobs in every ten-second bucket. A
 * tenant's ring is dropped once the tenant has had no event for an hour and no agent connected here.
 *
 * <p>Every event names its tenant, so a tenant's console counts only its own agents and jobs; the
 * node's totals are for platform principals only.
 *
 * <p>Prometheus ({@code /metrics}) remains the long-term record; this exists so the dashboard can
 * draw the recent past without a metrics server. Each node keeps its own and, on PostgreSQL, writes
 * every bucket once it has finished ({@link #finished}, {@link OpsWriter}) so that any node can show
 * the cluster ({@link ClusterHistory}).
 *
 * <p>Thread-safe: recorders and readers take one short lock, held for no I/O. Time comes from the
 * injected clock, so tests move it instead of sleeping.
 */
public final class OpsHistory {
    public static final Duration BUCKET = Duration.ofSeconds(10);
    public static final int BUCKETS = 360;

    /** Reads how many agents are connected to this node now. */
    public interface ConnectedAgents {
        /** All of them, every tenant; read under this class's lock on every event, so it must be cheap. */
        int all();

        /** By tenant (tenants with none may be left out); read outside this class's lock. */
        Map<String, Integer> byTenant();

        /** The counts read by these two functions. */
        static ConnectedAgents of(IntSupplier all, Supplier<Map<String, Integer>> byTenant) {
            return new ConnectedAgents() {
                @Override
                public int all() {
                    return all.getAsInt();
                }

                @Override
                public Map<String, Integer> byTenant() {
                    return byTenant.get();
                }
            };
        }
    }

    private final Clock clock;
    private final String node;
    private final Instant startedAt;
    private final ConnectedAgents connectedAgents;
    private final ReentrantLock lock = new ReentrantLock();
    private final OpsRing nodeRing = new OpsRing();
    private final Map<String, OpsRing> tenantRings = new HashMap<>();

    /** @param node this hub node's name */
    public OpsHistory(Clock clock, String node, ConnectedAgents connectedAgents) {
        this.clock = clock;
        this.node = node;
        this.startedAt = clock.instant();
        this.connectedAgents = connectedAgents;
    }

    /** The hub node these numbers are of. */
    public String node() {
        return node;
    }

    /**
     * Samples the connected-agent counts (the node's and each tenant's) into the current bucket, and
     * drops the rings of tenants gone quiet for an hour; run once per bucket by a timer.
     */
    public void sample() {
        Map<String, Integer> byTenant = connectedAgents.byTenant();
        lock.lock();
        try {
            long index = index();
            nodeRing.sample(index, connectedAgents.all());
            byTenant.forEach((tenant, n) -> tenantRings.computeIfAbsent(tenant, t -> new OpsRing()));
            tenantRings.forEach((tenant, ring) -> ring.sample(index, byTenant.getOrDefault(tenant, 0)));
            tenantRings
                    .entrySet()
                    .removeIf(e ->
                            !byTenant.containsKey(e.getKey()) && e.getValue().quietSince(index - BUCKETS + 1));
        } finally {
            lock.unlock();
        }
    }

    /** An agent of {@code tenantId} connected (its hello was answered). */
    public void connected(String tenantId) {
        event(tenantId, b -> b.connects++);
    }

    /** An agent of {@code tenantId} disconnected. */
    public void disconnected(String tenantId) {
        event(tenantId, b -> b.disconnects++);
    }

    /** A job of {@code tenantId} was sent to its agent. */
    public void dispatched(String tenantId) {
        event(tenantId, b -> b.dispatched++);
    }

    /**
     * A job of {@code tenantId} finished.
     *
     * @param error whether it failed or timed out
     * @param latency from first dispatch to result, or null (never dispatched, timed out unanswered)
     */
    public void completed(String tenantId, boolean error, Duration latency) {
        event(tenantId, b -> {
            b.completed++;
            if (error) {
                b.errors++;
            }
            if (latency != null && !latency.isNegative()) {
                b.latency(latency);
            }
        });
    }

    /**
     * One point per bucket of {@code scope} on this node alone for the last {@code window} (at most an
     * hour), oldest first, the current (partial) bucket last; buckets in which nothing happened are
     * included with zero counts. The console reads the node through {@link ClusterHistory}.
     */
    List<OpsPoint> series(OpsScope scope, Duration window) {
        long current = index();
        long from = current - buckets(window) + 1;
        return OpsMerge.series(rows(scope, from), from, current);
    }

    /**
     * The totals of {@code scope} on this node alone over the last {@code window}: counts summed,
     * percentiles over every latency in it, the connected-agent count as sampled now.
     */
    OpsPoint summary(OpsScope scope, Duration window) {
        long current = index();
        long from = current - buckets(window) + 1;
        List<OpsBuckets.Row> rows = rows(scope, from);
        Integer now = rows.isEmpty() ? null : rows.getLast().connected();
        return OpsMerge.summary(rows, from, current, now);
    }

    /**
     * This node's buckets of {@code scope} from bucket {@code from} to the current (partial) one,
     * copied, with the connected agents sampled now into the current one; buckets of which nothing was
     * kept are left out.
     */
    List<OpsBuckets.Row> rows(OpsScope scope, long from) {
        int gauge = gauge(scope);
        lock.lock();
        try {
            long current = index();
            OpsRing ring = scope.all() ? nodeRing : tenantRings.get(scope.tenantId());
            List<OpsBuckets.Row> rows = new ArrayList<>();
            if (ring == null) {
                // not kept: reading must not make a ring for every tenant that looks
                rows.add(empty(scope.tenantId(), current).closing(new AgentCounts(gauge, 0, 0)));
                return rows;
            }
            ring.sample(current, gauge);
            for (long index = Math.max(from, current - BUCKETS + 1); index <= current; index++) {
                OpsBuckets.Row row = ring.row(node, scope.tenantId(), index);
                if (row != null) {
                    rows.add(row);
                }
            }
            return rows;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The rows to write of the buckets that finished after bucket {@code after}, as far back as the
     * ring still holds them and no further than this node's start: the node's totals for every such
     * bucket (a quiet one too, so the others see the node was up), and each tenant's where the tenant
     * had any event or connected agent. The last finished bucket's gauges are {@code now}, the agents
     * as it closed: {@code now} by tenant (tenants with no connected agent may be absent).
     */
    List<OpsBuckets.Row> finished(long after, Map<String, AgentCounts> now) {
        AgentCounts all = now.values().stream().reduce(AgentCounts.NONE, AgentCounts::plus);
        lock.lock();
        try {
            long last = index() - 1;
            List<OpsBuckets.Row> rows = new ArrayList<>();
            for (long index = Math.max(after + 1, Math.max(firstIndex(), last - BUCKETS + 2)); index <= last; index++) {
                boolean closing = index == last;
                OpsBuckets.Row total = nodeRing.row(node, null, index);
                total = total == null ? empty(null, index) : total;
                rows.add(closing ? total.closing(all) : total);
                for (Map.Entry<String, OpsRing> e : tenantRings.entrySet()) {
                    OpsBuckets.Row row = e.getValue().row(node, e.getKey(), index);
                    AgentCounts agents = closing ? now.get(e.getKey()) : null;
                    boolean connected = agents != null && agents.connected() > 0;
                    if (!connected && (row == null || !active(row))) {
                        continue;
                    }
                    row = row == null ? empty(e.getKey(), index) : row;
                    rows.add(closing ? row.closing(agents == null ? AgentCounts.NONE : agents) : row);
                }
                if (closing) {
                    // agents that connected since the last sample, of a tenant with no ring yet
                    for (Map.Entry<String, AgentCounts> e : now.entrySet()) {
                        if (e.getValue().connected() > 0 && !tenantRings.containsKey(e.getKey())) {
                            rows.add(empty(e.getKey(), index).closing(e.getValue()));
                        }
                    }
                }
            }
            return rows;
        } finally {
            lock.unlock();
        }
    }

    /** The bucket of the clock's time now. */
    long currentIndex() {
        return index();
    }

    /** The bucket this node started in: it holds nothing of the buckets before. */
    long firstIndex() {
        return bucketOf(startedAt);
    }

    private void event(String tenantId, OpsRing.Change change) {
        if (tenantId == null) {
            throw new IllegalArgumentException("an ops event needs its tenant, so tenants see only their own");
        }
        lock.lock();
        try {
            long index = index();
            nodeRing.event(index, change);
            nodeRing.sample(index, connectedAgents.all());
            tenantRings.computeIfAbsent(tenantId, t -> new OpsRing()).event(index, change);
        } finally {
            lock.unlock();
        }
    }

    private int gauge(OpsScope scope) {
        return scope.all() ? connectedAgents.all() : connectedAgents.byTenant().getOrDefault(scope.tenantId(), 0);
    }

    private OpsBuckets.Row empty(String tenantId, long index) {
        return new OpsBuckets.Row(node, tenantId, index, null, null, null, 0, 0, 0, 0, 0, null);
    }

    private static boolean active(OpsBuckets.Row r) {
        return r.connects() + r.disconnects() + r.dispatched() + r.completed() + r.errors() > 0
                || r.latency() != null
                || (r.connected() != null && r.connected() > 0);
    }

    private long index() {
        return Math.floorDiv(clock.millis(), BUCKET.toMillis());
    }

    /** The bucket of {@code at}: its start in milliseconds since the epoch divided by {@link #BUCKET}. */
    public static long bucketOf(Instant at) {
        return Math.floorDiv(at.toEpochMilli(), BUCKET.toMillis());
    }

    private static int buckets(Duration window) {
        return (int) Math.max(1, Math.min(BUCKETS, window.toMillis() / BUCKET.toMillis()));
    }

    static Instant start(long index) {
        return Instant.ofEpochMilli(index * BUCKET.toMillis());
    }
}
