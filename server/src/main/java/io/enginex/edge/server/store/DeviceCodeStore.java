package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Device codes. A code that named its tenant is that tenant's from the start; one that named none is
 * no tenant's until approved (the approver chooses).
 */
public interface DeviceCodeStore {
    /** @throws DuplicateException if the user code is taken (the caller draws another) */
    void create(DeviceCode code);

    Optional<DeviceCode> findByDeviceCodeHash(String hash);

    Optional<DeviceCode> findByUserCode(String userCode);

    /**
     * The pending codes not yet expired at {@code now} that asked to join {@code tenantId}, oldest
     * first. Tenant-scoped: codes of other tenants, and codes that named no tenant, are not listed.
     */
    List<DeviceCode> listPending(String tenantId, Instant now);

    /** Records a poll at {@code at} and the interval the device must keep from now on. */
    void recordPoll(String hash, Instant at, int intervalSeconds);

    /**
     * Moves a pending, unexpired code to {@code approved} or {@code denied}; false if it was not
     * pending any more, has expired (so two admins cannot both decide), or asked to join a tenant other
     * than {@code tenantId}.
     */
    boolean decide(
            String userCode,
            String status,
            String tenantId,
            List<String> labels,
            String decidedBy,
            String agentId,
            Instant now);

    /** Moves an approved code to {@code consumed}; false if it was not approved (single use). */
    boolean consume(String hash);

    /** Deletes codes that expired before {@code before}. */
    int purgeExpired(Instant before);
}
