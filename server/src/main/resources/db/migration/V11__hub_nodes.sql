-- Issue 14: the hub nodes that share this database. Each node writes its row when it starts and
-- renews seen_at every few seconds; a node not seen for a while is lost, and the node that holds the
-- sweeps (a PostgreSQL advisory lock) closes the connections it left open and deletes its row. A
-- running node holds its name with another advisory lock, so a second node of that name is refused
-- while a node restarted after a crash gets it back at once. The embedded database has one node,
-- which keeps its row too, so the Ops page reads the same table either way.
--
-- hub_settings holds what every node must agree on; today the fingerprint of the hub secret (an HMAC
-- of a fixed text under it, never the secret), so a node started with another node's secret missing
-- refuses to start instead of answering idempotent retries and page links differently.
CREATE TABLE hub_nodes (
    node_name   VARCHAR(200) NOT NULL PRIMARY KEY,
    version     VARCHAR(100) NOT NULL,
    url         VARCHAR(500),
    started_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    seen_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    agents      INTEGER      NOT NULL,
    leads       BOOLEAN      NOT NULL
);

CREATE TABLE hub_settings (
    setting_name   VARCHAR(100) NOT NULL PRIMARY KEY,
    setting_value  VARCHAR(500) NOT NULL
);
