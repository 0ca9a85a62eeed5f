package io.enginex.edge.server.store;

import java.util.Optional;

public interface ApiKeyStore {
    ApiKey create(String id, String tenantId, String role, String label, String secretHash);

    /** Finds a key that is not revoked by the hash of its secret. Not tenant-scoped: this is how a caller's tenant is learnt. */
    Optional<ApiKey> findActiveByHash(String secretHash);

    /** Whether a platform key that is not revoked exists (first start creates one when none does). */
    boolean anyPlatformKey();
}
