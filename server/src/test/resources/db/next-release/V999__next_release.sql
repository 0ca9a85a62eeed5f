-- What a later release's migration may do under the rolling-upgrade rule (docs/DEPLOY.md): NewerSchemaIT
-- applies it with Flyway, as the first upgraded node does, and the nodes of this release must go on
-- working. One of each kind: a nullable column and a column with a default on busy tables, a new table,
-- a new index, and dropping an index that a new one covers.
ALTER TABLE jobs ADD COLUMN next_release_note VARCHAR(200);
ALTER TABLE agents ADD COLUMN next_release_flag BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE audit_events ADD COLUMN next_release_origin VARCHAR(64) NOT NULL DEFAULT 'hub';
CREATE TABLE next_release_things (
    id    VARCHAR(64) NOT NULL PRIMARY KEY,
    note  VARCHAR(200)
);
CREATE INDEX jobs_next_release_idx ON jobs (tenant_id, next_release_note);
CREATE INDEX audit_events_next_release_idx ON audit_events (tenant_id, chain_node, seq, id);
-- rolling-upgrade: the index above covers every query that used this one
DROP INDEX audit_events_node_chain_idx;
