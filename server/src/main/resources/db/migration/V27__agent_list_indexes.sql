-- Issue 21: the fleet page and the agents API page, sort and filter a tenant's agents in SQL, so a
-- tenant of 10,000 agents is read one page at a time. Each index serves one sort (and the filter on the
-- same column) within a tenant; each ends in id, the tie-breaker that keeps pages from overlapping.
-- Sorting by name uses agents_tenant_hostname_idx; by state it cannot (the state is in the hub's memory).
CREATE INDEX agents_tenant_hostname_idx ON agents (tenant_id, hostname, id);
CREATE INDEX agents_tenant_os_idx ON agents (tenant_id, os, id);
CREATE INDEX agents_tenant_version_idx ON agents (tenant_id, agent_version, id);
CREATE INDEX agents_tenant_last_seen_idx ON agents (tenant_id, last_seen_at, id);
