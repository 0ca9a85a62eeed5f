-- Issue 5: each agent's connections to the hub, for the agent page and GET …/agents/{id}/connections.
-- One row per connection: opened when the agent's hello is answered, closed with the WebSocket close
-- code and reason. A row left open by a node that stopped without closing it (crash, kill -9) is closed
-- when that node starts again. Bounded: the hub keeps at most a fixed number of rows per agent and
-- nothing older than the retention period (ConnectionHistory).
CREATE TABLE agent_connections (
    id               VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(64)  NOT NULL,
    agent_id         VARCHAR(64)  NOT NULL,
    hub_node         VARCHAR(200) NOT NULL,
    remote_address   VARCHAR(100),
    connected_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    disconnected_at  TIMESTAMP WITH TIME ZONE,
    close_code       INTEGER,
    close_reason     VARCHAR(500),
    CONSTRAINT agent_connections_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
CREATE INDEX agent_connections_agent_idx ON agent_connections (tenant_id, agent_id, connected_at);
CREATE INDEX agent_connections_node_open_idx ON agent_connections (hub_node, disconnected_at);
