-- Issue 18: graphs defined on the hub, for agents to run offline (docs/GRAPHS.md). A graph has a
-- name unique in its tenant, the scope of agents it is assigned to (as tenant policies: 'tenant',
-- 'label' + the label, 'agent' + its id) and immutable versions; the latest version is the one
-- agents are sent. Withdrawing keeps the graph and its versions (for the runs that used them) but
-- sends it to no agent. Each version carries the hub's signed envelope, which agents check.
CREATE TABLE graphs (
    id              VARCHAR(64)  NOT NULL PRIMARY KEY,
    tenant_id       VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    name            VARCHAR(64)  NOT NULL,
    scope_kind      VARCHAR(16)  NOT NULL,
    scope_value     VARCHAR(200) NOT NULL,
    latest_version  INTEGER      NOT NULL,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by      VARCHAR(200) NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    withdrawn_at    TIMESTAMP WITH TIME ZONE,
    withdrawn_by    VARCHAR(200),
    CONSTRAINT graphs_name_key UNIQUE (tenant_id, name),
    CONSTRAINT graphs_kind_check CHECK (scope_kind IN ('tenant', 'label', 'agent'))
);

CREATE TABLE graph_versions (
    graph_id       VARCHAR(64)  NOT NULL REFERENCES graphs (id),
    version        INTEGER      NOT NULL,
    tenant_id      VARCHAR(64)  NOT NULL REFERENCES tenants (id),
    document       TEXT         NOT NULL,
    sha256         VARCHAR(64)  NOT NULL,
    envelope       TEXT         NOT NULL,
    created_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    created_by     VARCHAR(200) NOT NULL,
    PRIMARY KEY (graph_id, version)
);
