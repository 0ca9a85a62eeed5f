package io.enginex.edge.server.ops;

import java.util.List;
import java.util.Map;

/**
 * The finished ten-second buckets of every hub node on the database, so that any node can show the
 * cluster: each node writes its own ({@link OpsWriter}), the console merges them ({@link
 * ClusterHistory}), the leader purges what is older than an hour. On the embedded database the hub
 * is one node and nothing is shared ({@link #NONE}).
 */
public interface OpsBuckets {
    /**
     * One node's numbers for one bucket, of one tenant or of every tenant.
     *
     * @param tenantId the tenant, or null for the node's totals across tenants
     * @param index the bucket: its start in milliseconds since the epoch divided by {@link
     *     OpsHistory#BUCKET}
     * @param connected agents connected to the node, as sampled in the bucket or when it closed; null
     *     when no sample was taken
     * @param busy of them, the busy ones when the bucket closed; null when not sampled then
     * @param unresponsive of them, the unresponsive ones when the bucket closed; null when not sampled
     *     then
     * @param latency dispatch-to-result latencies of the jobs finished in the bucket, or null for none;
     *     not changed once the row is made
     */
    record Row(
            String node,
            String tenantId,
            long index,
            Integer connected,
            Integer busy,
            Integer unresponsive,
            long connects,
            long disconnects,
            long dispatched,
            long completed,
            long errors,
            LatencyBins latency) {
        /** This row with the gauges as they are when its bucket closes. */
        Row closing(AgentCounts now) {
            return new Row(
                    node,
                    tenantId,
                    index,
                    now.connected(),
                    now.busy(),
                    now.unresponsive(),
                    connects,
                    disconnects,
                    dispatched,
                    completed,
                    errors,
                    latency);
        }
    }

    /** The first and the last bucket a node wrote in the span asked for. */
    record Span(long first, long last) {}

    /**
     * Writes {@code rows} (of one node) in one statement; a row already there is left as it is, so a
     * write retried after a failure adds nothing twice.
     */
    void write(List<Row> rows);

    /**
     * The rows of {@code tenantId} (null: the nodes' totals) from bucket {@code fromIndex} on.
     *
     * @param node one node's rows, or null for every node's
     */
    List<Row> read(String tenantId, String node, long fromIndex);

    /** By node, the first and last bucket of its totals from bucket {@code fromIndex} on. */
    Map<String, Span> spans(long fromIndex);

    /** Deletes the rows of buckets before {@code beforeIndex}; returns how many. */
    int purge(long beforeIndex);

    /** One node alone: nothing is written, nothing is read. */
    OpsBuckets NONE = new OpsBuckets() {
        @Override
        public void write(List<Row> rows) {}

        @Override
        public List<Row> read(String tenantId, String node, long fromIndex) {
            return List.of();
        }

        @Override
        public Map<String, Span> spans(long fromIndex) {
            return Map.of();
        }

        @Override
        public int purge(long beforeIndex) {
            return 0;
        }
    };
}
