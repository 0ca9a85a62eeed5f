-- Big step outputs kept as files (docs/GRAPHS.md "Big outputs"): an output larger than 64 KiB (UTF-8
-- JSON text) is not in the step record; the agent uploads it after the record, in chunks, each
-- appended once at the offset the hub has (a repeated chunk changes nothing), and the hub checks its
-- SHA-256 with the last byte. graph_run_outputs has one row per output (step id), its size and hash as
-- the step record announced them and how many bytes arrived; graph_run_output_chunks the bytes.
-- The same SQL runs on H2 and PostgreSQL (BYTEA is VARBINARY on H2).
ALTER TABLE graph_run_steps ADD COLUMN output_file BOOLEAN NOT NULL DEFAULT FALSE;

CREATE TABLE graph_run_outputs (
    step_id         VARCHAR(160) NOT NULL PRIMARY KEY REFERENCES graph_run_steps (id),
    tenant_id       VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    run_id          VARCHAR(80)  NOT NULL REFERENCES graph_runs (run_id),
    total_bytes     BIGINT       NOT NULL,
    sha256          VARCHAR(64)  NOT NULL,
    received_bytes  BIGINT       NOT NULL,
    complete        BOOLEAN      NOT NULL,
    started_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    completed_at    TIMESTAMP WITH TIME ZONE
);

CREATE INDEX graph_run_outputs_by_tenant ON graph_run_outputs (tenant_id);

CREATE TABLE graph_run_output_chunks (
    step_id      VARCHAR(160) NOT NULL REFERENCES graph_run_outputs (step_id),
    byte_offset  BIGINT       NOT NULL,
    data         BYTEA        NOT NULL,
    PRIMARY KEY (step_id, byte_offset)
);

-- The audit lines of graph steps' tool calls an agent wrote offline, uploaded at sync: each becomes one
-- audit event (graph-step.audited, with the device's time in its details), once per line id (its hash
-- in the agent's audit chain), which this table remembers.
CREATE TABLE graph_step_audit (
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    agent_id    VARCHAR(64)  NOT NULL,
    record_id   VARCHAR(64)  NOT NULL,
    arrived_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (tenant_id, agent_id, record_id)
);
