package io.enginex.edge.server.store;

import java.util.Optional;

/** Tenants' OpenID providers, at most one per tenant. Every call is tenant-scoped. */
public interface OidcProviderStore {
    /**
     * Stores the tenant's provider, replacing the one there.
     *
     * @return true when the tenant had none before
     */
    boolean put(OidcProvider provider);

    Optional<OidcProvider> find(String tenantId);

    /** @return false when the tenant had none */
    boolean delete(String tenantId);
}
