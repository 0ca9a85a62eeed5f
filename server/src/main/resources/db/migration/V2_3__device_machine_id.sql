-- The hashed machine id an agent sends with a device authorization (issue 3), so an agent enrolled by
-- a device code is linked to earlier agents of the same machine, as token enrolment already is.
ALTER TABLE device_codes ADD COLUMN machine_id VARCHAR(64);
