package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface ApiKeyStore {
    /** Creates a key with no recorded creator. */
    default ApiKey create(String id, String tenantId, String role, String label, String secretHash) {
        return create(id, tenantId, role, label, secretHash, null);
    }

    /** @throws DuplicateException if the id or the secret's hash exists already */
    ApiKey create(String id, String tenantId, String role, String label, String secretHash, String createdBy);

    /** Finds a key that is not revoked by the hash of its secret. Not tenant-scoped: this is how a caller's tenant is learnt. */
    Optional<ApiKey> findActiveByHash(String secretHash);

    /** Whether a platform key that is not revoked exists (first start creates one when none does). */
    boolean anyPlatformKey();

    /** The keys of {@code tenantId}, revoked ones included, newest first. */
    List<ApiKey> list(String tenantId);

    Optional<ApiKey> find(String tenantId, String id);

    /** Revokes a key of the tenant; false if it does not exist there or was revoked already. */
    boolean revoke(String tenantId, String id, Instant at);

    /** Records that the key authenticated a request at {@code at}. Not tenant-scoped (the key's id is its own). */
    void touch(String id, Instant at);
}
