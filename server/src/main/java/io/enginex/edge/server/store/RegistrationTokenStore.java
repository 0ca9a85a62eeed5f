package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

public interface RegistrationTokenStore {
    RegistrationToken create(
            String id,
            String tenantId,
            String secretHash,
            String description,
            List<String> labels,
            int maxUses,
            Instant expiresAt,
            String createdBy,
            Integer ratePerMinute);

    /**
     * The token with this secret hash, whatever its state (expired, revoked, used up), or empty. Not
     * tenant-scoped: the token names its tenant. Reads only; {@link #redeem} spends a use.
     */
    Optional<RegistrationToken> findByHash(String secretHash);

    List<RegistrationToken> list(String tenantId);

    Optional<RegistrationToken> find(String tenantId, String id);

    /** @return false if no such token in this tenant, or it was already revoked */
    boolean revoke(String tenantId, String id, Instant now);

    /**
     * Spends one use of the token with this hash, atomically (two concurrent redemptions of a
     * one-use token: exactly one wins). Not tenant-scoped: the token names its tenant.
     */
    Redemption redeem(String secretHash, Instant now);

    /** The outcome of {@link #redeem}: {@code token} is set for every outcome but {@code UNKNOWN}. */
    record Redemption(Outcome outcome, RegistrationToken token) {}

    enum Outcome {
        REDEEMED,
        UNKNOWN,
        EXPIRED,
        REVOKED,
        USED_UP
    }
}
