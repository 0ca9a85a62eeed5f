package io.enginex.edge.server.testing;

import io.enginex.edge.server.store.GroupCommit;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * A {@link GroupCommit} for unit tests of one class over fakes: runs each unit at once on the calling
 * thread, so what it leads to has happened when the call returns.
 */
public final class InlineGroupCommit implements GroupCommit {
    @Override
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        try {
            return CompletableFuture.completedFuture(work.get());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public <T> T inTransaction(Supplier<T> work) {
        return work.get();
    }

    @Override
    public int waiting() {
        return 0;
    }
}
