-- When the hub last received an agent's list of users' session parts (agent_session_parts holds the
-- list itself, one row per user). Kept apart so an empty report ("nobody signed in, as of T") has a time
-- too, and so the API and the agent page can say how old the list is. One row per agent, replaced at
-- each report.
CREATE TABLE agent_session_reports (
    tenant_id     VARCHAR(64)  NOT NULL,
    agent_id      VARCHAR(64)  NOT NULL,
    reported_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT agent_session_reports_pkey PRIMARY KEY (tenant_id, agent_id),
    CONSTRAINT agent_session_reports_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
