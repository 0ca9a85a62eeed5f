-- Each start and end of a user's session part the hub audited for an agent, once: from an agent's
-- report of events it saw while offline (AgentState.sessionEvents, reported_late) or from a change
-- between two lists of session parts. The key is the part (user, since) and the event, so an event the
-- agent sends again (its ack was lost) or a change both the events and the next list show is audited
-- once. event_at is the time the agent reported (its clock; for a live end, the hub's), received_at the
-- hub's own.
CREATE TABLE agent_session_events (
    tenant_id     VARCHAR(64)  NOT NULL,
    agent_id      VARCHAR(64)  NOT NULL,
    user_name     VARCHAR(64)  NOT NULL,
    since         TIMESTAMP WITH TIME ZONE NOT NULL,
    event         VARCHAR(16)  NOT NULL,
    event_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    received_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    reported_late BOOLEAN      NOT NULL,
    CONSTRAINT agent_session_events_pkey PRIMARY KEY (tenant_id, agent_id, user_name, since, event),
    CONSTRAINT agent_session_events_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
