-- Issue 14: one audit hash chain per tenant AND hub node. With one chain per tenant, every node's
-- writer locked the same head row to append (a job's create and its job.created event commit
-- together), so nodes creating jobs for one tenant took turns and could deadlock. Now each node
-- appends to its own chain of each tenant, whose head row only that node locks; verification walks
-- every chain of the tenant, and reading merges them by time (ids are time-ordered).
--
-- chain_node names the node whose chain an event is in; NULL for events of the tenant's first chain
-- (written before this migration, headed in audit_chain_heads, which is no longer appended to) and
-- for events from before any chain (seq NULL). The new index serves both the per-chain walk and the
-- old chain's (chain_node IS NULL), so the old (tenant_id, seq) index goes: an index drop loses no
-- data, and a node of the previous version still writes and reads correctly without it.
ALTER TABLE audit_events ADD COLUMN chain_node VARCHAR(200);
CREATE INDEX audit_events_node_chain_idx ON audit_events (tenant_id, chain_node, seq);
-- rolling-upgrade: audit_events_node_chain_idx covers every query that used this index
DROP INDEX audit_events_chain_idx;

-- The head of each node's chain of a tenant: tenant_key is the tenant id, or '' for hub-wide events.
CREATE TABLE audit_node_chains (
    tenant_key  VARCHAR(64)  NOT NULL,
    node        VARCHAR(200) NOT NULL,
    seq         BIGINT       NOT NULL,
    last_hash   VARCHAR(64)  NOT NULL,
    PRIMARY KEY (tenant_key, node)
);
