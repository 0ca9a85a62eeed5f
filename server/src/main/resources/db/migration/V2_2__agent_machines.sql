-- Which machine an agent runs on (issue 3): the agent sends SHA-256 of its OS machine id with a
-- fixed salt, never the id itself. A reinstalled machine enrolling again is recognised, and its older
-- agents are marked replaced by the new one instead of piling up as ghosts.
CREATE TABLE agent_machines (
    tenant_id    VARCHAR(64)  NOT NULL,
    agent_id     VARCHAR(64)  NOT NULL,
    machine_id   VARCHAR(128) NOT NULL,
    recorded_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    replaced_by  VARCHAR(64),
    CONSTRAINT agent_machines_pkey PRIMARY KEY (tenant_id, agent_id),
    CONSTRAINT agent_machines_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
CREATE INDEX agent_machines_machine_idx ON agent_machines (tenant_id, machine_id);
