-- Idempotency keys (issue 12): a create route that got an Idempotency-Key header stores the key here
-- in the same transaction as the resource it made, so a crash never leaves one without the other.
-- key_hash is an HMAC of tenant, principal and key under the hub secret (the key itself is not
-- stored); answer is the first response, sealed with a key derived from the client's key, because
-- for API keys and registration tokens it holds a secret that is shown only once. Rows older than
-- the retention (24 h) are swept.
CREATE TABLE idempotency_keys (
    tenant_id    VARCHAR(64)  NOT NULL,
    principal    VARCHAR(200) NOT NULL,
    key_hash     VARCHAR(64)  NOT NULL,
    fingerprint  VARCHAR(64)  NOT NULL,
    resource_id  VARCHAR(64)  NOT NULL,
    status       INTEGER      NOT NULL,
    answer       TEXT         NOT NULL,
    created_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT idempotency_keys_pkey PRIMARY KEY (tenant_id, principal, key_hash)
);

CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
