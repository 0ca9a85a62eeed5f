-- Issue 18: runs of graphs uploaded by agents (docs/GRAPHS.md "Sync on reconnect"). A run is stored
-- once by its id (the agent makes it: run_ + 24 hex) and each step record once by its id (RUN_ID:STEP);
-- a duplicate changes nothing, except that a run first seen unfinished takes its final status once.
-- The tenant and agent are the uploading connection's. device times are the agent's clock; arrived_at
-- the hub's. graph_standing is the rule for graphs changed or withdrawn while the agent was offline:
-- the run is kept with the version it ran, flagged current, outdated, withdrawn, unknown or local.
CREATE TABLE graph_runs (
    run_id            VARCHAR(80)  NOT NULL PRIMARY KEY,
    tenant_id         VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    agent_id          VARCHAR(64)  NOT NULL,
    graph_name        VARCHAR(64)  NOT NULL,
    graph_id          VARCHAR(64),
    graph_version     INTEGER,
    graph_standing    VARCHAR(16)  NOT NULL,
    status            VARCHAR(16)  NOT NULL,
    input             TEXT,
    started_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_at          TIMESTAMP WITH TIME ZONE,
    arrived_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    ended_arrived_at  TIMESTAMP WITH TIME ZONE
);

CREATE INDEX graph_runs_by_graph ON graph_runs (tenant_id, graph_id, started_at);

CREATE TABLE graph_run_steps (
    id                VARCHAR(160) NOT NULL PRIMARY KEY,
    run_id            VARCHAR(80)  NOT NULL REFERENCES graph_runs (run_id),
    tenant_id         VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    step              VARCHAR(64)  NOT NULL,
    state             VARCHAR(16)  NOT NULL,
    attempts          INTEGER      NOT NULL,
    error_code        VARCHAR(64),
    error_message     TEXT,
    reason            TEXT,
    output            TEXT,
    output_truncated  BOOLEAN      NOT NULL,
    output_preview    TEXT,
    output_bytes      BIGINT,
    output_sha256     VARCHAR(64),
    settled_at        TIMESTAMP WITH TIME ZONE,
    arrived_at        TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE INDEX graph_run_steps_by_run ON graph_run_steps (run_id);
