-- Issue 20: webhooks. A tenant admin registers an endpoint; the leading hub node turns the tenant's
-- job events (read from the audit trail, after the endpoint's cursor) into deliveries, in the same
-- transaction that moves the cursor, and sends them signed, retrying with backoff. Only adds.

-- secret_sealed is the signing secret sealed with AES-256-GCM under a key derived from hub.secret,
-- bound to the tenant and endpoint id, so a copy of the database alone does not reveal it.
-- event_types is a JSON array of job event types; empty: every type. event_cursor is the position
-- (events.EventCursor) after the last event turned into deliveries.
CREATE TABLE webhook_endpoints (
    id             VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    url            VARCHAR(2000) NOT NULL,
    description    VARCHAR(500),
    event_types    TEXT          NOT NULL,
    secret_sealed  VARCHAR(500)  NOT NULL,
    event_cursor   VARCHAR(4200) NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by     VARCHAR(200),
    deleted_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT webhook_endpoints_tenant_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX webhook_endpoints_tenant_idx ON webhook_endpoints (tenant_id, created_at);

-- One event for one endpoint. state: pending (to send at next_attempt_at), succeeded, failed (gave up
-- after the last attempt, or the endpoint was deleted). The id is the webhook-id header, the same on
-- every attempt, so a receiver can drop a repeat.
CREATE TABLE webhook_deliveries (
    id               VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant_id        VARCHAR(64)   NOT NULL,
    endpoint_id      VARCHAR(64)   NOT NULL,
    event_id         VARCHAR(64)   NOT NULL,
    event_type       VARCHAR(64)   NOT NULL,
    payload          TEXT          NOT NULL,
    state            VARCHAR(16)   NOT NULL,
    attempts         INTEGER       NOT NULL DEFAULT 0,
    next_attempt_at  TIMESTAMP WITH TIME ZONE,
    last_attempt_at  TIMESTAMP WITH TIME ZONE,
    last_status      INTEGER,
    last_error       VARCHAR(1000),
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT webhook_deliveries_endpoint_fkey FOREIGN KEY (tenant_id, endpoint_id)
        REFERENCES webhook_endpoints (tenant_id, id),
    CONSTRAINT webhook_deliveries_event_key UNIQUE (endpoint_id, event_id)
);
CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (state, next_attempt_at);
CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (tenant_id, endpoint_id, created_at);
