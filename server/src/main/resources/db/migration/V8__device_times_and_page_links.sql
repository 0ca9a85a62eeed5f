-- A job's started_at and finished_at are the hub's own times (ack and result received). The times an
-- agent reports in its result frame come from the device's clock, which may be wrong; they are kept
-- here, apart, and shown as the device's (issue 11).
ALTER TABLE jobs ADD COLUMN device_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE jobs ADD COLUMN device_finished_at TIMESTAMP WITH TIME ZONE;
