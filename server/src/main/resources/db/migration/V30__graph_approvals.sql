-- Approval steps of graph runs, seen and decided on the hub. An agent tells the hub a step waits
-- (graphApproval frame: one row per agent, run and step, a repeat changes nothing); a person decides it
-- (state 'decided'); the node holding the agent's connection sends the decision once it claims the row
-- ('sent'), and the agent's answer ends it ('answered', with its outcome). A sent decision that was not
-- answered goes back to 'decided' at the agent's next hello, so an offline agent gets it then. Only adds.
CREATE TABLE graph_approvals (
    id              VARCHAR(64)   NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    agent_id        VARCHAR(64)   NOT NULL,
    run_id          VARCHAR(80)   NOT NULL,
    step_id         VARCHAR(64)   NOT NULL,
    graph_id        VARCHAR(64),
    graph_name      VARCHAR(64)   NOT NULL,
    graph_version   INTEGER,
    tool            VARCHAR(200)  NOT NULL,
    args            TEXT          NOT NULL,
    reason          VARCHAR(1000) NOT NULL,
    requested_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    arrived_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    state           VARCHAR(16)   NOT NULL,
    approved        BOOLEAN,
    decided_by      VARCHAR(200),
    decided_at      TIMESTAMP WITH TIME ZONE,
    decision_reason VARCHAR(1000),
    sent_at         TIMESTAMP WITH TIME ZONE,
    sent_by_node    VARCHAR(200),
    outcome         VARCHAR(32),
    outcome_message VARCHAR(1000),
    answered_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT graph_approvals_state_check CHECK (state IN ('waiting', 'decided', 'sent', 'answered')),
    CONSTRAINT graph_approvals_step UNIQUE (agent_id, run_id, step_id)
);
CREATE INDEX graph_approvals_tenant ON graph_approvals (tenant_id, state, requested_at);
CREATE INDEX graph_approvals_agent ON graph_approvals (tenant_id, agent_id, state);
