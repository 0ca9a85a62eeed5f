-- Issue 15: a tenant admin pins the tenant's agents' updates to a channel or a version (one row per
-- tenant while pinned, exactly one of channel and version set). The hub sends the pin in welcome and,
-- when it changes, in a release frame. Only adds (the rolling-upgrade rule in docs/ARCHITECTURE.md).
CREATE TABLE tenant_update_pins (
    tenant_id  VARCHAR(64)  NOT NULL,
    channel    VARCHAR(32),
    version    VARCHAR(100),
    set_by     VARCHAR(200) NOT NULL,
    set_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT tenant_update_pins_pkey PRIMARY KEY (tenant_id),
    CONSTRAINT tenant_update_pins_tenant_fkey FOREIGN KEY (tenant_id) REFERENCES tenants (id),
    CONSTRAINT tenant_update_pins_one CHECK ((channel IS NULL) <> (version IS NULL))
);
