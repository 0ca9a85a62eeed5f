-- Issue 4: human approval of jobs whose tool or command template the agent's policy marks
-- approval-required. approval_state: pending (awaiting_approval), approved, denied; NULL when the job
-- needed no approval.
ALTER TABLE jobs ADD COLUMN approval_state VARCHAR(16);
ALTER TABLE jobs ADD COLUMN approval_by VARCHAR(200);
ALTER TABLE jobs ADD COLUMN approval_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE jobs ADD COLUMN approval_reason TEXT;
CREATE INDEX jobs_tenant_state_created_idx ON jobs (tenant_id, state, created_at);
