-- Issue 19: a tenant secret may need the consent of the person at the machine (use_rule 'consent'),
-- and deleting a secret, or a new version whose scope no longer covers an agent, removes the copies
-- agents stored. Only adds (the use_rule check is replaced by a wider one).

-- rolling-upgrade: the check is replaced by a wider one in the next statement; a node of the previous release never writes 'consent' and passes a secret's use_rule to the agent as a string, which enforces it.
ALTER TABLE tenant_secrets DROP CONSTRAINT tenant_secrets_use_check;
ALTER TABLE tenant_secrets ADD CONSTRAINT tenant_secrets_use_check
    CHECK (use_rule IN ('auto', 'approval', 'consent'));

-- One row per agent that may hold a delivered copy the hub asked it to remove: pending until the
-- agent answers (removed, or refused when its vault could not be changed). Names only, never values.
CREATE TABLE secret_removals (
    id            VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    agent_id      VARCHAR(64)  NOT NULL,
    name          VARCHAR(64)  NOT NULL,
    reason        VARCHAR(16)  NOT NULL,
    requested_by  VARCHAR(200) NOT NULL,
    requested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    message       VARCHAR(1000),
    acked_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT secret_removals_reason_check CHECK (reason IN ('deleted', 'out-of-scope')),
    CONSTRAINT secret_removals_state_check CHECK (state IN ('pending', 'removed', 'refused'))
);
CREATE INDEX secret_removals_agent ON secret_removals (tenant_id, agent_id, state);
