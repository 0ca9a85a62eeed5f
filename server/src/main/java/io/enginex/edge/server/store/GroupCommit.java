package io.enginex.edge.server.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Group commit: units of database work handed in by many threads are run by one writer, many to a
 * transaction, so that the cost of a commit (a log flush) is shared by every unit in the batch
 * instead of paid by each. A unit's outcome is what it would have been alone: a unit that throws
 * changes nothing and gets its own exception, and the others in its batch still commit.
 *
 * <p>A unit runs on the writer thread, after the units handed in before it: every store call it
 * makes joins the batch's transaction. So a unit must be short and must not block on anything but
 * the database (no network, no waiting for another unit), and its reads should be done before it is
 * handed in. {@link #inTransaction} waits for the commit, so it keeps the {@link Transactions}
 * promise; {@link #submit} does not wait.
 */
public interface GroupCommit extends Transactions {
    /**
     * Hands {@code work} to the writer and returns at once.
     *
     * @return completed with the unit's result once its batch committed, or with the unit's own
     *     exception (nothing of it was kept), or with the batch's failure (nothing of it was kept)
     */
    <T> CompletableFuture<T> submit(Supplier<T> work);

    /** Units handed in and not yet taken by the writer (for metrics). */
    int waiting();

    /** Transactions the writer committed so far (for metrics: units per commit). */
    long commits();

    /** Units the writer ran and committed so far (for metrics). */
    long committedUnits();
}
