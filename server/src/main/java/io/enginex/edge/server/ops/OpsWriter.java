package io.enginex.edge.server.ops;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes this node's finished buckets to the table the nodes share ({@link OpsBuckets}), so that
 * every node's console can show the cluster. Run every {@link #INTERVAL} by the hub's timer: when a
 * bucket has finished since the last run, it samples the node's agents by tenant and state (the
 * gauges as the bucket closed) and writes every bucket finished since the last write that succeeded,
 * the node's totals and the tenants that had anything in it, in one statement of its own, off the job
 * path. A failed write is not retried until the next bucket finishes, and then carries the buckets it
 * missed (as far back as the node's memory holds them); the table keeps a row written twice once.
 *
 * <p>Cost: one statement and one commit per node per {@link OpsHistory#BUCKET}, whatever the number of
 * tenants (measured in BENCHMARKS.md, "Ops buckets"). A node that stops writes no partial bucket; its
 * numbers of the bucket it stopped in are lost to the others.
 *
 * <p>Runs on one timer thread (the timer never overlaps a task with itself); {@link #writes} and
 * {@link #rows} may be read from any thread.
 */
public final class OpsWriter implements Runnable {
    /** How often the writer looks whether a bucket finished: the lag of the others' view behind this node. */
    public static final Duration INTERVAL = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(OpsWriter.class);

    private final OpsHistory history;
    private final OpsBuckets buckets;
    private final Supplier<Map<String, AgentCounts>> agents;
    private final RepeatedLog failures;
    private final AtomicLong writes = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private long written;
    private long tried;

    /**
     * @param agents this node's connected agents by tenant and state now (tenants with none may be
     *     left out)
     */
    public OpsWriter(OpsHistory history, OpsBuckets buckets, Supplier<Map<String, AgentCounts>> agents, Clock clock) {
        this.history = history;
        this.buckets = buckets;
        this.agents = agents;
        this.failures = new RepeatedLog(clock, Duration.ofMinutes(1));
        this.written = history.firstIndex() - 1;
        this.tried = written;
    }

    /** Writes the buckets finished since the last write, if one finished since the last try. Never throws. */
    @Override
    public void run() {
        long finished = history.currentIndex() - 1;
        if (finished <= tried) {
            return;
        }
        tried = finished;
        try {
            List<OpsBuckets.Row> due = history.finished(written, agents.get());
            if (!due.isEmpty()) {
                buckets.write(due);
                writes.incrementAndGet();
                rows.addAndGet(due.size());
            }
            written = finished;
        } catch (RuntimeException e) {
            OptionalLong silenced = failures.admit(e.getClass().getName());
            if (silenced.isPresent()) {
                log.atWarn()
                        .addKeyValue("reason", e.toString())
                        .log(failures.describe(
                                "cannot write this node's ops buckets; the other nodes' consoles miss them until"
                                        + " the next bucket's write carries them",
                                silenced.getAsLong()));
            }
        }
    }

    /** Statements written so far (metrics). */
    public long writes() {
        return writes.get();
    }

    /** Rows written so far (metrics). */
    public long rows() {
        return rows.get();
    }
}
