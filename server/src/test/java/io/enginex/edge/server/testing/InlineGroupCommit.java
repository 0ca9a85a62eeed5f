package io.enginex.edge.server.testing;

import io.enginex.edge.server.store.GroupCommit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * A {@link GroupCommit} for unit tests of one class over fakes: runs each unit at once on the calling
 * thread, so what it leads to has happened when the call returns.
 */
public final class InlineGroupCommit implements GroupCommit {
    private final AtomicLong units = new AtomicLong();

    @Override
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            T result = work.get();
            units.incrementAndGet();
            return CompletableFuture.completedFuture(result);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        T result = work.get();
        units.incrementAndGet();
        return result;
    }

    @Override
    public long commits() {
        return units.get();
    }

    @Override
    public long committedUnits() {
        return units.get();
    }

    @Override
    public int waiting() {
        return 0;
    }
}
