-- Issue 19: secrets a tenant admin defines on the hub and the hub delivers to its agents' vaults,
-- sealed to each agent's X25519 exchange key; and remote wipes of one agent's vault. Only adds.

-- Each agent's exchange key (its hello's exchangeKey), which the hub seals secrets to.
CREATE TABLE agent_exchange_keys (
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    agent_id    VARCHAR(64)  NOT NULL,
    public_key  VARCHAR(200) NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT agent_exchange_keys_pkey PRIMARY KEY (tenant_id, agent_id)
);

-- One row per secret name and tenant. held_value is the value sealed under a key derived from the
-- hub secret (AES-256-GCM): kept only while an agent in scope has not acknowledged the current
-- version, or always when hub_storage is chosen; NULL otherwise. The plaintext is never stored.
CREATE TABLE tenant_secrets (
    id             VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id      VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    name           VARCHAR(64)  NOT NULL,
    scope_kind     VARCHAR(16)  NOT NULL,
    scope_value    VARCHAR(200) NOT NULL,
    cache_seconds  BIGINT       NOT NULL,
    use_rule       VARCHAR(16)  NOT NULL,
    hub_storage    BOOLEAN      NOT NULL,
    held_value     TEXT,
    version        INTEGER      NOT NULL,
    description    VARCHAR(500),
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by     VARCHAR(200),
    CONSTRAINT tenant_secrets_name_key UNIQUE (tenant_id, name),
    CONSTRAINT tenant_secrets_kind_check CHECK (scope_kind IN ('tenant', 'label', 'agent')),
    CONSTRAINT tenant_secrets_use_check CHECK (use_rule IN ('auto', 'approval'))
);

-- One row per secret version and agent in scope. sealed is the value sealed to the agent's exchange
-- key (JSON of ephemeralKey, nonce, ciphertext), NULL while the agent has sent no exchange key yet and
-- again once the agent answered; state pending | stored | refused | superseded (a newer version, the
-- secret deleted, or the agent's vault wiped before it arrived).
CREATE TABLE secret_deliveries (
    id          VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id   VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    secret_id   VARCHAR(64)  NOT NULL,
    version     INTEGER      NOT NULL,
    agent_id    VARCHAR(64)  NOT NULL,
    sealed      TEXT,
    state       VARCHAR(16)  NOT NULL,
    message     VARCHAR(1000),
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    acked_at    TIMESTAMP WITH TIME ZONE,
    CONSTRAINT secret_deliveries_state_check CHECK (state IN ('pending', 'stored', 'refused', 'superseded'))
);
CREATE INDEX secret_deliveries_agent ON secret_deliveries (tenant_id, agent_id, state);
CREATE INDEX secret_deliveries_secret ON secret_deliveries (tenant_id, secret_id, version);

-- A tenant admin's request to wipe one agent's vault: pending until the agent acknowledges it.
CREATE TABLE vault_wipes (
    id            VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id     VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    agent_id      VARCHAR(64)  NOT NULL,
    requested_by  VARCHAR(200) NOT NULL,
    requested_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    acked_at      TIMESTAMP WITH TIME ZONE,
    CONSTRAINT vault_wipes_state_check CHECK (state IN ('pending', 'wiped'))
);
CREATE INDEX vault_wipes_agent ON vault_wipes (tenant_id, agent_id, state);
