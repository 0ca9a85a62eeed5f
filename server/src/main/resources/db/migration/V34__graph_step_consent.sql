-- The consent of the person at the machine for graph steps (docs/GRAPHS.md "Consent at the machine"): a
-- step whose tool the machine policy marks consentRequired asks the person signed in, offline too, and
-- its uploaded step record carries who answered, how, when (device time) and what they were shown, as
-- a job's result does (jobs.consent_json). Kept as JSON text like output; null for other steps.
ALTER TABLE graph_run_steps ADD COLUMN consent_json TEXT;
