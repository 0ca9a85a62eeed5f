-- The person at an agent's machine can pause its local actions (issue 6). The agent reports it in
-- hello and in state frames; the hub keeps the last report here (a row while paused, none
-- otherwise) and answers new jobs for the agent with agent_paused.
CREATE TABLE agent_pauses (
    tenant_id    VARCHAR(64)  NOT NULL,
    agent_id     VARCHAR(64)  NOT NULL,
    paused_by    VARCHAR(200) NOT NULL,
    paused_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    reported_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT agent_pauses_pkey PRIMARY KEY (tenant_id, agent_id),
    CONSTRAINT agent_pauses_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);

-- An agent that deregistered itself (enginex-agent deregister, signed with its own key) is revoked
-- like any other, and this says it left by itself rather than being revoked by an operator.
ALTER TABLE agents ADD COLUMN deregistered_at TIMESTAMP WITH TIME ZONE;
