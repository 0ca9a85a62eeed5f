package io.enginex.edge.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
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
 * draw the recent past without a metrics server. Each node keeps its own; nothing is shared through
 * the database.
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

    /**
     * How much history there is: the time since this node started, at most an hour and at least
     * {@code minimum}, in whole buckets. A console draws this window so a young node's few minutes
     * fill the chart instead of its last sliver.
     */
    public Duration available(Duration minimum) {
        long elapsed = Duration.between(startedAt, clock.instant()).toMillis();
        long buckets = Math.ceilDiv(Math.max(elapsed, 1), BUCKET.toMillis()) + 1;
        long millis = Math.max(minimum.toMillis(), buckets * BUCKET.toMillis());
        return Duration.ofMillis(Math.min(millis, BUCKETS * BUCKET.toMillis()));
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
     * One point per bucket of {@code scope} for the last {@code window} (at most an hour), oldest
     * first, the current (partial) bucket last; buckets in which nothing happened are included with
     * zero counts.
     */
    public List<OpsPoint> series(OpsScope scope, Duration window) {
        int gauge = gauge(scope);
        lock.lock();
        try {
            long current = index();
            return sampled(scope, current, gauge).series(current, buckets(window));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The totals of {@code scope} over the last {@code window}: counts summed, percentiles over every
     * latency in it, the connected-agent count as sampled now.
     */
    public OpsPoint summary(OpsScope scope, Duration window) {
        int gauge = gauge(scope);
        lock.lock();
        try {
            long current = index();
            return sampled(scope, current, gauge).summary(current, buckets(window));
        } finally {
            lock.unlock();
        }
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
        return scope.node() ? connectedAgents.all() : connectedAgents.byTenant().getOrDefault(scope.tenantId(), 0);
    }

    /** The scope's ring with its gauge sampled now; a tenant without one reads an empty ring. */
    private OpsRing sampled(OpsScope scope, long current, int gauge) {
        OpsRing ring = scope.node() ? nodeRing : tenantRings.get(scope.tenantId());
        if (ring == null) {
            ring = new OpsRing(); // not kept: reading must not make a ring for every tenant that looks
        }
        ring.sample(current, gauge);
        return ring;
    }

    private long index() {
        return Math.floorDiv(clock.millis(), BUCKET.toMillis());
    }

    private static int buckets(Duration window) {
        return (int) Math.max(1, Math.min(BUCKETS, window.toMillis() / BUCKET.toMillis()));
    }

    static Instant start(long index) {
        return Instant.ofEpochMilli(index * BUCKET.toMillis());
    }
}
