package io.enginex.edge.server.store;

import java.util.function.Supplier;

/**
 * Runs work in one database transaction: every store call made on the calling thread inside it
 * joins it, so a change and its audit event commit or roll back together. Application services use
 * it; adapters never do.
 */
@FunctionalInterface
public interface Transactions {
    /**
     * Runs {@code work} in a transaction and commits it; a {@link RuntimeException} rolls it back and
     * reaches the caller unchanged. Nested calls join the outer transaction.
     */
    <T> T inTransaction(Supplier<T> work);

    /** {@link #inTransaction} for work without a result. */
    default void run(Runnable work) {
        inTransaction(() -> {
            work.run();
            return null;
        });
    }
}
