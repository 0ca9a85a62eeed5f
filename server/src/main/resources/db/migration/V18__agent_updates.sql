-- Issue 15: each agent's update state as it last reported it in an update frame (one row per agent,
-- replaced by each report). ring is the agent's rollout bucket (0-99, from its id), kept so that a
-- rollout's progress and failure rate per ring are one range query. failure_version names the
-- release a failure belongs to (a rolled-back health check, a refused download); NULL when the
-- failure was not a release's (the repository unreachable, its metadata expired).
-- Only adds (the rolling-upgrade rule in docs/ARCHITECTURE.md).
CREATE TABLE agent_updates (
    tenant_id          VARCHAR(64)   NOT NULL,
    agent_id           VARCHAR(64)   NOT NULL,
    agent_version      VARCHAR(100)  NOT NULL,
    channel            VARCHAR(32)   NOT NULL,
    ring               INTEGER       NOT NULL,
    mode               VARCHAR(32)   NOT NULL,
    state              VARCHAR(32)   NOT NULL,
    target_version     VARCHAR(100),
    available_version  VARCHAR(100),
    checked_at         TIMESTAMP WITH TIME ZONE,
    failure_version    VARCHAR(100),
    failure_reason     VARCHAR(1000),
    failed_at          TIMESTAMP WITH TIME ZONE,
    reported_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT agent_updates_pkey PRIMARY KEY (tenant_id, agent_id),
    CONSTRAINT agent_updates_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);

CREATE INDEX agent_updates_channel ON agent_updates (channel, ring);
