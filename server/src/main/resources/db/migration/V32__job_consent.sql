-- The consent of the person at the machine (issue 17): when a tool the policy marks consentRequired
-- ran or was refused, the agent's result carries who answered, how, when (device time) and what they
-- were shown; the hub keeps it with the job, as JSON text like output_json.
ALTER TABLE jobs ADD COLUMN consent_json TEXT;
