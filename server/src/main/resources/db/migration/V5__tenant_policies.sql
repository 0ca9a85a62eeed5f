-- Issue 4: tenant policies, sent by the hub to its agents and intersected there with each machine's
-- own policy. One policy per scope: the whole tenant (scope_kind 'tenant', scope_value ''), the
-- agents carrying a label (scope_kind 'label', scope_value the label, e.g. 'team=finance') or one
-- agent (scope_kind 'agent', scope_value its id). policy_json has the machine policy file's shape.
CREATE TABLE tenant_policies (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    scope_kind   VARCHAR(16)  NOT NULL,
    scope_value  VARCHAR(200) NOT NULL,
    policy_json  TEXT         NOT NULL,
    description  VARCHAR(500),
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by   VARCHAR(200),
    CONSTRAINT tenant_policies_scope_key UNIQUE (tenant_id, scope_kind, scope_value),
    CONSTRAINT tenant_policies_kind_check CHECK (scope_kind IN ('tenant', 'label', 'agent'))
);

-- What each agent last advertised after applying its tenant policies: its effective policy summary
-- (as enginex-agent policy show --json prints it) and when. tools_json keeps the tools themselves.
ALTER TABLE agents ADD COLUMN effective_policy_json TEXT;
ALTER TABLE agents ADD COLUMN advertised_at TIMESTAMP WITH TIME ZONE;
