-- Rate limits shared by the hub's nodes (issue 14): one token bucket per limiter and key (a source
-- address, an email, a registration token), so N nodes behind a load balancer give an address one
-- budget, not N. Only PostgreSQL uses the table; on the embedded H2 database the hub is one node and
-- keeps its buckets in memory. A row holds the tokens left at at_millis (the hub's clock, in
-- milliseconds since the epoch) out of capacity per minute; granted says whether the last attempt
-- got one. A missing row is a full bucket: rows that refilled are purged.
CREATE TABLE rate_buckets (
    bucket     VARCHAR(256)     NOT NULL,
    tokens     DOUBLE PRECISION NOT NULL,
    at_millis  BIGINT           NOT NULL,
    capacity   INTEGER          NOT NULL,
    granted    BOOLEAN          NOT NULL,
    CONSTRAINT rate_buckets_pkey PRIMARY KEY (bucket)
);
