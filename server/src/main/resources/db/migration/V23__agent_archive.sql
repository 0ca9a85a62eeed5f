-- A revoked agent can be archived (issue 21): it leaves the fleet page's list and counts but keeps its
-- row, jobs and audit trail. Only a revoked agent is archived; archiving cannot be undone.
ALTER TABLE agents ADD COLUMN archived_at TIMESTAMP WITH TIME ZONE;
