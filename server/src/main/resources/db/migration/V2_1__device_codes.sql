-- OAuth 2.0 device authorization grant (RFC 8628) for agents (issue 3). A device code is known by the
-- SHA-256 of its secret; the user code is short and typed by a person. tenant_id is NULL until an
-- admin approves, since the admin picks the tenant.
CREATE TABLE device_codes (
    device_code_hash  VARCHAR(128) NOT NULL PRIMARY KEY,
    user_code         VARCHAR(16)  NOT NULL,
    public_key        TEXT         NOT NULL,
    hostname          VARCHAR(255) NOT NULL,
    os                VARCHAR(100),
    arch              VARCHAR(100),
    username          VARCHAR(255),
    agent_version     VARCHAR(100),
    source_ip         VARCHAR(64),
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    interval_seconds  INTEGER      NOT NULL,
    last_polled_at    TIMESTAMP WITH TIME ZONE,
    status            VARCHAR(16)  NOT NULL, -- pending, approved, denied, consumed
    tenant_id         VARCHAR(64)  REFERENCES tenants (id),
    labels            TEXT         NOT NULL,
    decided_by        VARCHAR(200),
    agent_id          VARCHAR(64),
    CONSTRAINT device_codes_user_code_key UNIQUE (user_code)
);
CREATE INDEX device_codes_expires_idx ON device_codes (expires_at);
