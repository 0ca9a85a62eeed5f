package io.enginex.edge.server.idempotency;

import java.time.Instant;
import java.util.Optional;
import java.util.function.Supplier;

/** Where keys are kept. Implementations are thread-safe. */
public interface IdempotencyStore {
    /**
     * Runs {@code work} in one database transaction; every store call on this thread inside it joins
     * the transaction. Commits when {@code work} returns, rolls back when it throws.
     */
    <T> T inTransaction(Supplier<T> work);

    /**
     * Adds a key; inside {@link #inTransaction} it commits or rolls back with the resource.
     *
     * @throws KeyTakenException when the same tenant, principal and key hash exist already (another
     *     hub node committed the same key first)
     */
    void insert(StoredKey key);

    Optional<StoredKey> find(String tenantId, String principal, String keyHash);

    /** Deletes keys created before {@code cutoff}; returns how many. */
    int deleteCreatedBefore(Instant cutoff);

    /** The key was committed by someone else between our look-up and our insert. */
    final class KeyTakenException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public KeyTakenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
