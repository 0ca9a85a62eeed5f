-- The users' session parts connected to an agent's service (issue 17): the agent reports the whole
-- list in state frames (user, session type, connected since; nothing else of the session), and the
-- hub keeps the last report here, one row per user, replaced at each report.
CREATE TABLE agent_session_parts (
    tenant_id     VARCHAR(64)  NOT NULL,
    agent_id      VARCHAR(64)  NOT NULL,
    user_name     VARCHAR(64)  NOT NULL,
    session_type  VARCHAR(64)  NOT NULL,
    since         TIMESTAMP WITH TIME ZONE NOT NULL,
    reported_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT agent_session_parts_pkey PRIMARY KEY (tenant_id, agent_id, user_name),
    CONSTRAINT agent_session_parts_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
