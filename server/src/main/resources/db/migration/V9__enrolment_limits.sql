-- Enrolment rate limits (issue 11): a registration token and a tenant may carry their own budget of
-- enrolments per minute from one source address; NULL inherits (token, then tenant, then the hub's
-- --enrolment-rate-limit), so a fleet behind one NAT address can enrol without raising the budget
-- for guessed tokens, which stays per address at hub level.
ALTER TABLE registration_tokens ADD COLUMN rate_per_minute INTEGER;
ALTER TABLE tenants ADD COLUMN enrolment_rate_per_minute INTEGER;
-- A device may name the tenant it asks to join; its tenant_id is then set while it is pending, and
-- that tenant's admins see it in their queue of pending devices.
CREATE INDEX device_codes_tenant_status_idx ON device_codes (tenant_id, status);
