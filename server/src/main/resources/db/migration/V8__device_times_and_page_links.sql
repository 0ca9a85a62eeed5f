-- A job's started_at and finished_at are the hub's own times (ack and result received). The times an
-- agent reports in its result frame come from the device's clock, which may be wrong; they are kept
-- here, apart, and shown as the device's (issue 11).
ALTER TABLE jobs ADD COLUMN device_started_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE jobs ADD COLUMN device_finished_at TIMESTAMP WITH TIME ZONE;

-- Session page links (issue 11): one per session and holder (the user or API key that asked), stable
-- across GETs, revocable, with the hub's configured lifetime. The link's secret is an HMAC of its id
-- with the hub's secret, so nothing secret is stored here.
CREATE TABLE page_links (
    tenant_id   VARCHAR(64)  NOT NULL,
    id          VARCHAR(64)  NOT NULL,
    session_id  VARCHAR(64)  NOT NULL,
    issued_to   VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE,
    revoked_by  VARCHAR(200),
    CONSTRAINT page_links_pkey PRIMARY KEY (tenant_id, id),
    CONSTRAINT page_links_session_fkey FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id)
);
CREATE INDEX page_links_session_idx ON page_links (tenant_id, session_id, issued_to);
