-- Issue 20: which MCP tools each role of a tenant may see and call, as allow and deny patterns
-- (mcp.ToolRules). One document per tenant; a tenant without one lets every role use every tool its
-- agents offer (the agents' own policies still apply). Only adds (the rolling-upgrade rule): a node
-- of the previous version ignores the table and shows every tool.
CREATE TABLE mcp_tool_rules (
    tenant_id   VARCHAR(64)  NOT NULL PRIMARY KEY REFERENCES tenants (id),
    rules_json  TEXT         NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by  VARCHAR(200) NOT NULL
);
