-- Identity and audit (issue 3): people who log in, their browser sessions, the audit trail, and
-- when each API key was last used. Same portability rules as V1.

ALTER TABLE api_keys ADD COLUMN last_used_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE api_keys ADD COLUMN created_by VARCHAR(200);

-- A person of one tenant. email is unique across the hub, so a login needs no tenant.
-- password_hash is a PHC string ($argon2id$v=19$m=…,t=…,p=…$salt$hash), never the password.
CREATE TABLE users (
    id                   VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id            VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    email                VARCHAR(320) NOT NULL,
    role                 VARCHAR(32)  NOT NULL,
    password_hash        VARCHAR(300) NOT NULL,
    created_at           TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by           VARCHAR(200),
    password_changed_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    last_login_at        TIMESTAMP WITH TIME ZONE,
    disabled_at          TIMESTAMP WITH TIME ZONE,
    CONSTRAINT users_email_key UNIQUE (email),
    CONSTRAINT users_tenant_id_key UNIQUE (tenant_id, id)
);

-- Browser sessions, stored only as the SHA-256 hash of the cookie's secret.
CREATE TABLE user_sessions (
    token_hash  VARCHAR(128) NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL,
    user_id     VARCHAR(64)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    source_ip   VARCHAR(64),
    CONSTRAINT user_sessions_user_fkey FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id)
);
CREATE INDEX user_sessions_user_idx ON user_sessions (tenant_id, user_id);
CREATE INDEX user_sessions_expires_idx ON user_sessions (expires_at);

-- Append-only trail of security-relevant events. tenant_id NULL: a hub-wide event (a platform
-- action, or a failed login naming no known user). details is a JSON object and never holds a secret.
CREATE TABLE audit_events (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64),
    at           TIMESTAMP WITH TIME ZONE NOT NULL,
    type         VARCHAR(64)  NOT NULL,
    actor_type   VARCHAR(32)  NOT NULL, -- user, api_key, agent, registration_token, anonymous, system
    actor_id     VARCHAR(320),
    source_ip    VARCHAR(64),
    target_type  VARCHAR(64),
    target_id    VARCHAR(200),
    outcome      VARCHAR(32)  NOT NULL, -- success, failure, denied
    details      TEXT         NOT NULL
);
CREATE INDEX audit_events_tenant_idx ON audit_events (tenant_id, id);
CREATE INDEX audit_events_type_idx ON audit_events (tenant_id, type, id);
