-- Issue 18: starts of a graph from the hub (POST /api/v1/tenants/{t}/graphs/{id}/start), kept so that
-- a start reaches an agent connected to another node (the node holding its socket reads the row) or
-- waits for an offline agent until its next hello. A start is sent once: the node that moves it from
-- 'queued' to 'sent' sends the graphStart frame. A queued start past expires_at is not sent (shown as
-- expired); a person may cancel a queued one. Only adds.
CREATE TABLE graph_starts (
    id            VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    graph_id      VARCHAR(64)  NOT NULL,
    graph_name    VARCHAR(64)  NOT NULL,
    graph_version INTEGER      NOT NULL,
    agent_id      VARCHAR(64)  NOT NULL,
    input         TEXT         NOT NULL,
    started_by    VARCHAR(200) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    sent_at       TIMESTAMP WITH TIME ZONE,
    sent_by_node  VARCHAR(200),
    cancelled_at  TIMESTAMP WITH TIME ZONE,
    cancelled_by  VARCHAR(200),
    CONSTRAINT graph_starts_state_check CHECK (state IN ('queued', 'sent', 'cancelled'))
);
CREATE INDEX graph_starts_agent ON graph_starts (tenant_id, agent_id, state);
CREATE INDEX graph_starts_tenant ON graph_starts (tenant_id, created_at);
