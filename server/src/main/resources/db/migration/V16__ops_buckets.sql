-- Issue 14: the ops console shows the cluster. Each hub node keeps its last hour of operating numbers
-- in memory, in ten-second buckets; on PostgreSQL it also writes every bucket once it has finished
-- (one statement per node per bucket), so that any node can show the sum over the nodes, or one
-- node's. The leader deletes rows older than an hour. The embedded H2 database has one node, which
-- shows its memory and never writes here.
--
-- A row is one node's bucket of one tenant (tenant_key its id) or of every tenant (tenant_key ''):
-- at_millis is the bucket's start in milliseconds since the epoch; connected, busy and unresponsive
-- are the node's agents as the bucket closed (NULL when not sampled); the counters are what happened
-- in it; latency_bins is the histogram of dispatch-to-result latencies of the jobs finished in it,
-- as "bin:count" pairs joined by commas (bin b holds latencies up to 2^(b/4) ms, b from 0 to 89;
-- NULL for none), and latency_max_ms the largest, so the nodes' histograms add up exactly.
CREATE TABLE ops_buckets (
    tenant_key      VARCHAR(64)      NOT NULL,
    at_millis       BIGINT           NOT NULL,
    node_name       VARCHAR(200)     NOT NULL,
    connected       INTEGER,
    busy            INTEGER,
    unresponsive    INTEGER,
    connects        BIGINT           NOT NULL,
    disconnects     BIGINT           NOT NULL,
    dispatched      BIGINT           NOT NULL,
    completed       BIGINT           NOT NULL,
    errors          BIGINT           NOT NULL,
    latency_bins    VARCHAR(4000),
    latency_max_ms  DOUBLE PRECISION,
    CONSTRAINT ops_buckets_pkey PRIMARY KEY (tenant_key, at_millis, node_name)
);
