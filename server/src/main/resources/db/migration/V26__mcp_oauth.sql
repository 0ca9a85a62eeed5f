-- Issue 20: OAuth 2.1 for the MCP endpoint (oauth.AuthorizationServer). Clients register themselves
-- (RFC 7591, public clients only); a person's consent makes a grant (one client, one user of one
-- tenant, one resource); codes and tokens belong to a grant and only their SHA-256 is kept. Revoking
-- a grant ends all of its tokens. Only adds (the rolling-upgrade rule).
CREATE TABLE oauth_clients (
    id             VARCHAR(64)   NOT NULL PRIMARY KEY,
    client_name    VARCHAR(200)  NOT NULL,
    redirect_uris  TEXT          NOT NULL, -- one per line
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE oauth_grants (
    id          VARCHAR(64)   NOT NULL PRIMARY KEY,
    client_id   VARCHAR(64)   NOT NULL REFERENCES oauth_clients (id),
    tenant_id   VARCHAR(64)   NOT NULL REFERENCES tenants (id),
    user_id     VARCHAR(64)   NOT NULL REFERENCES users (id),
    resource    VARCHAR(2000) NOT NULL,
    scope       VARCHAR(200)  NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    revoked_at  TIMESTAMP WITH TIME ZONE
);
CREATE INDEX oauth_grants_user ON oauth_grants (tenant_id, user_id);

CREATE TABLE oauth_codes (
    code_hash       CHAR(64)      NOT NULL PRIMARY KEY,
    grant_id        VARCHAR(64)   NOT NULL REFERENCES oauth_grants (id),
    redirect_uri    VARCHAR(2000) NOT NULL,
    code_challenge  VARCHAR(128)  NOT NULL,
    expires_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at         TIMESTAMP WITH TIME ZONE
);

CREATE TABLE oauth_tokens (
    token_hash  CHAR(64)     NOT NULL PRIMARY KEY,
    grant_id    VARCHAR(64)  NOT NULL REFERENCES oauth_grants (id),
    kind        VARCHAR(16)  NOT NULL, -- access or refresh
    expires_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    used_at     TIMESTAMP WITH TIME ZONE -- a refresh token's rotation
);
CREATE INDEX oauth_tokens_grant ON oauth_tokens (grant_id);
