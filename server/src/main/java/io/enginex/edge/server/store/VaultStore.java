package io.enginex.edge.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The hub's side of the agents' vaults: exchange keys, tenant secrets, their deliveries and remote
 * wipes. Every call is tenant-scoped. No row holds a secret's plaintext (see docs/security/VAULT.md).
 */
public interface VaultStore {
    /** A tenant secret as stored: never its value. {@code heldValue} is sealed under the hub secret, or null. */
    record Secret(
            String id,
            String tenantId,
            String name,
            PolicyScope scope,
            long cacheSeconds,
            String use,
            boolean hubStorage,
            String heldValue,
            int version,
            String description,
            Instant createdAt,
            Instant updatedAt,
            String updatedBy) {}

    /** One version of a secret for one agent; {@code sealed} is JSON, or null (no key yet, or answered). */
    record Delivery(
            String id,
            String tenantId,
            String secretId,
            int version,
            String agentId,
            String sealed,
            String state,
            String message,
            Instant createdAt,
            Instant ackedAt) {
        public static final String PENDING = "pending";
        public static final String STORED = "stored";
        public static final String REFUSED = "refused";
        public static final String SUPERSEDED = "superseded";
    }

    /** A remote wipe of one agent's vault. */
    record Wipe(
            String id,
            String tenantId,
            String agentId,
            String requestedBy,
            Instant requestedAt,
            String state,
            Instant ackedAt) {
        public static final String PENDING = "pending";
        public static final String WIPED = "wiped";
    }

    /**
     * A request that one agent remove a delivered secret: the tenant deleted it ({@code deleted}), or a
     * new version's scope no longer covers the agent ({@code out-of-scope}).
     */
    record Removal(
            String id,
            String tenantId,
            String agentId,
            String name,
            String reason,
            String requestedBy,
            Instant requestedAt,
            String state,
            String message,
            Instant ackedAt) {
        public static final String PENDING = "pending";
        public static final String REMOVED = "removed";
        public static final String REFUSED = "refused";
        public static final String DELETED = "deleted";
        public static final String OUT_OF_SCOPE = "out-of-scope";
    }

    /** The agent's exchange key, or empty when it sent none yet. */
    Optional<String> exchangeKey(String tenantId, String agentId);

    /** Stores the agent's exchange key. @return true when it is new or changed */
    boolean putExchangeKey(String tenantId, String agentId, String publicKey, Instant now);

    /** Writes {@code secret} (a new row, or the row of that id replaced). */
    void putSecret(Secret secret);

    Optional<Secret> findSecret(String tenantId, String name);

    Optional<Secret> findSecretById(String tenantId, String id);

    /** The tenant's secrets by name. */
    List<Secret> listSecrets(String tenantId);

    /** Deletes the secret and its deliveries. @return false when there was none */
    boolean deleteSecret(String tenantId, String id);

    /** Sets (or clears, with null) the value the hub holds for a secret. */
    void holdValue(String tenantId, String secretId, String heldValue);

    void insertDelivery(Delivery delivery);

    /** Marks every pending delivery of the secret before {@code version} superseded, dropping its sealed value. */
    void supersedeOlder(String tenantId, String secretId, int version);

    /** Marks every pending delivery to the agent superseded (its vault is being wiped). */
    void supersedeForAgent(String tenantId, String agentId);

    /** Sets the sealed value of a pending delivery that had none. */
    void sealDelivery(String tenantId, String deliveryId, String sealed);

    /** The agent's pending deliveries, oldest first. */
    List<Delivery> pendingDeliveries(String tenantId, String agentId);

    /** Every delivery of the secret, newest version first. */
    List<Delivery> deliveriesOf(String tenantId, String secretId);

    /** Every delivery to the agent, newest first. */
    List<Delivery> deliveriesTo(String tenantId, String agentId);

    Optional<Delivery> findDelivery(String tenantId, String agentId, String deliveryId);

    /**
     * Records the agent's answer to a pending delivery and drops its sealed value.
     *
     * @return false when it was not pending (answered before, or superseded)
     */
    boolean answerDelivery(String tenantId, String deliveryId, String state, String message, Instant at);

    /** How many deliveries of this version of the secret are still pending for agents that are not revoked. */
    int pendingOf(String tenantId, String secretId, int version);

    void insertRemoval(Removal removal);

    /** The agent's pending removals, oldest first. */
    List<Removal> pendingRemovals(String tenantId, String agentId);

    /** The agent's removals, newest first. */
    List<Removal> removalsOf(String tenantId, String agentId);

    /**
     * Records the agent's answer ({@code removed} or {@code refused}) to a pending removal.
     *
     * @return the removal answered; empty when it was not pending
     */
    Optional<Removal> answerRemoval(
            String tenantId, String agentId, String removalId, String state, String message, Instant at);

    void insertWipe(Wipe wipe);

    /** The agent's pending wipes, oldest first. */
    List<Wipe> pendingWipes(String tenantId, String agentId);

    /** The agent's wipes, newest first. */
    List<Wipe> wipesOf(String tenantId, String agentId);

    /** @return false when it was not pending */
    boolean answerWipe(String tenantId, String agentId, String wipeId, Instant at);
}
