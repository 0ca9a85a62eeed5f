-- EngineX Edge hub schema. The same file runs on H2 (MODE=PostgreSQL) and PostgreSQL, so it sticks
-- to portable types: VARCHAR/TEXT, INTEGER, BOOLEAN and TIMESTAMP WITH TIME ZONE. JSON is TEXT.
-- Timestamps are written in UTC, truncated to microseconds (PostgreSQL's precision), so a value
-- reads back identical on both databases.
-- Every row owned by a tenant carries tenant_id NOT NULL; composite keys (tenant_id, id) let child
-- rows reference a parent of the same tenant only.

CREATE TABLE tenants (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    name        VARCHAR(200) NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

-- tenant_id NULL: a platform key, which may act on every tenant.
CREATE TABLE api_keys (
    id           VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id    VARCHAR(64)  REFERENCES tenants (id),
    role         VARCHAR(32)  NOT NULL,
    label        VARCHAR(200),
    secret_hash  VARCHAR(128) NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at   TIMESTAMP WITH TIME ZONE,
    CONSTRAINT api_keys_secret_hash_key UNIQUE (secret_hash)
);
CREATE INDEX api_keys_tenant_idx ON api_keys (tenant_id);

CREATE TABLE registration_tokens (
    id            VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    secret_hash   VARCHAR(128) NOT NULL,
    description   VARCHAR(500),
    labels        TEXT         NOT NULL, -- JSON array of strings
    max_uses      INTEGER      NOT NULL,
    uses          INTEGER      NOT NULL DEFAULT 0,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    expires_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at    TIMESTAMP WITH TIME ZONE,
    last_used_at  TIMESTAMP WITH TIME ZONE,
    created_by    VARCHAR(200),
    CONSTRAINT registration_tokens_secret_hash_key UNIQUE (secret_hash),
    CONSTRAINT registration_tokens_tenant_id_key UNIQUE (tenant_id, id),
    CONSTRAINT registration_tokens_uses_check CHECK (max_uses > 0 AND uses >= 0 AND uses <= max_uses)
);

CREATE TABLE agents (
    id                     VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id              VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    public_key             TEXT         NOT NULL, -- base64 X.509 SubjectPublicKeyInfo (Ed25519)
    hostname               VARCHAR(255),
    os                     VARCHAR(100),
    arch                   VARCHAR(100),
    agent_version          VARCHAR(100),
    labels                 TEXT         NOT NULL, -- JSON array of strings
    tools_json             TEXT         NOT NULL, -- JSON array of tool descriptors
    registration_token_id  VARCHAR(64),
    created_at             TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at           TIMESTAMP WITH TIME ZONE,
    revoked_at             TIMESTAMP WITH TIME ZONE,
    CONSTRAINT agents_tenant_id_key UNIQUE (tenant_id, id),
    CONSTRAINT agents_registration_token_fkey FOREIGN KEY (tenant_id, registration_token_id)
        REFERENCES registration_tokens (tenant_id, id)
);

CREATE TABLE sessions (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    name        VARCHAR(200),
    created_by  VARCHAR(200),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT sessions_tenant_id_key UNIQUE (tenant_id, id)
);
CREATE INDEX sessions_tenant_created_idx ON sessions (tenant_id, created_at);

-- state holds JobState.wire(): awaiting_approval, queued, dispatched, running, succeeded, failed,
-- timed_out, cancelled.
CREATE TABLE jobs (
    id                VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id         VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    session_id        VARCHAR(64),
    agent_id          VARCHAR(64)  NOT NULL,
    tool              VARCHAR(200) NOT NULL,
    args_json         TEXT         NOT NULL,
    state             VARCHAR(32)  NOT NULL,
    attempt           INTEGER      NOT NULL DEFAULT 0,
    created_at        TIMESTAMP WITH TIME ZONE NOT NULL,
    deadline          TIMESTAMP WITH TIME ZONE,
    dispatched_at     TIMESTAMP WITH TIME ZONE,
    started_at        TIMESTAMP WITH TIME ZONE,
    finished_at       TIMESTAMP WITH TIME ZONE,
    last_progress_at  TIMESTAMP WITH TIME ZONE,
    output_json       TEXT,
    error_code        VARCHAR(100),
    error_message     TEXT,
    replayed          BOOLEAN      NOT NULL DEFAULT FALSE,
    CONSTRAINT jobs_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id),
    CONSTRAINT jobs_session_fkey FOREIGN KEY (tenant_id, session_id) REFERENCES sessions (tenant_id, id)
);
CREATE INDEX jobs_agent_state_idx ON jobs (tenant_id, agent_id, state);
CREATE INDEX jobs_session_created_idx ON jobs (tenant_id, session_id, created_at);
CREATE INDEX jobs_state_deadline_idx ON jobs (state, deadline);

-- Replay guard for agent assertions: a jti is remembered until the assertion expires.
CREATE TABLE assertion_ids (
    agent_id    VARCHAR(64)  NOT NULL,
    jti         VARCHAR(200) NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT assertion_ids_pkey PRIMARY KEY (agent_id, jti)
);
CREATE INDEX assertion_ids_expires_idx ON assertion_ids (expires_at);

-- Single-use access tokens for the WebSocket upgrade, stored only as SHA-256 hashes.
CREATE TABLE access_tokens (
    token_hash  VARCHAR(128) NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    agent_id    VARCHAR(64)  NOT NULL,
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE,
    CONSTRAINT access_tokens_agent_fkey FOREIGN KEY (tenant_id, agent_id) REFERENCES agents (tenant_id, id)
);
CREATE INDEX access_tokens_expires_idx ON access_tokens (expires_at);
