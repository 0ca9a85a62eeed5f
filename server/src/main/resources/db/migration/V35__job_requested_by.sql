-- Who asked for a job, as people read it ("alice@acme.example (dashboard)", "API key ci-bot",
-- "… via MCP client claude-code 2.1.0"): the dispatch frame carries it to the agent, which shows it to
-- the person asked for consent at the machine. Null for jobs made before it was kept.
ALTER TABLE jobs ADD COLUMN requested_by VARCHAR(200);
