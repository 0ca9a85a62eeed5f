-- Tamper-evident audit trail (issue 11): every event of a tenant (or of the hub, tenant_id NULL) is
-- one link of a hash chain. seq numbers the links 1, 2, 3 … per chain; prev_hash is the hash of the
-- link before (64 zeros for the first); hash is SHA-256 over the event's canonical content, seq and
-- prev_hash (see AuditHash). Events written before this migration keep NULL in all three and are
-- reported as "from before the chain began" by engine audit verify.
ALTER TABLE audit_events ADD COLUMN seq BIGINT;
ALTER TABLE audit_events ADD COLUMN prev_hash VARCHAR(64);
ALTER TABLE audit_events ADD COLUMN hash VARCHAR(64);
CREATE INDEX audit_events_chain_idx ON audit_events (tenant_id, seq);

-- The head of each chain: the tenant id, or '' for hub-wide events. Appending locks this row
-- (SELECT … FOR UPDATE) in the transaction that inserts the event, so concurrent writers of one
-- tenant (on any hub node) take turns and the chain never forks.
CREATE TABLE audit_chain_heads (
    chain      VARCHAR(64) NOT NULL PRIMARY KEY,
    seq        BIGINT      NOT NULL,
    last_hash  VARCHAR(64) NOT NULL
);
