-- Single sign-on with OpenID Connect (issue 21). Only adds (the rolling-upgrade rule): a node of the
-- previous version ignores the new table and columns, and its users keep signing in with passwords.

-- A tenant's OpenID provider: at most one per tenant. client_secret_sealed is the client secret
-- sealed with AES-256-GCM under a key derived from hub.secret (a file, not in the database), bound to
-- the tenant, issuer and client id, so a copy of the database alone does not reveal it.
-- role_map is a JSON object from a group (a value of the groups_claim claim) to a role.
CREATE TABLE oidc_providers (
    tenant_id             VARCHAR(64)   NOT NULL PRIMARY KEY REFERENCES tenants (id),
    display_name          VARCHAR(100)  NOT NULL,
    issuer                VARCHAR(500)  NOT NULL,
    client_id             VARCHAR(255)  NOT NULL,
    client_secret_sealed  VARCHAR(2000) NOT NULL,
    scopes                VARCHAR(500)  NOT NULL,
    groups_claim          VARCHAR(100)  NOT NULL,
    role_map              TEXT          NOT NULL,
    updated_at            TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_by            VARCHAR(200)
);

-- A user made by single sign-on is the provider's subject (sub) at that issuer; NULL for users of
-- the hub's own passwords. A subject is one user per tenant and issuer.
ALTER TABLE users ADD COLUMN oidc_issuer VARCHAR(500);
ALTER TABLE users ADD COLUMN oidc_subject VARCHAR(255);
CREATE UNIQUE INDEX users_oidc_subject_idx ON users (tenant_id, oidc_issuer, oidc_subject);
