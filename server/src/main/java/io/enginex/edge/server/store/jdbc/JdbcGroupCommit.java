package io.enginex.edge.server.store.jdbc;

import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.GroupCommit;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link GroupCommit} on one writer thread. The writer takes every unit waiting (at most {@link
 * #MAX_BATCH}) and runs them in one transaction, in the order they were handed in. Batches form by
 * themselves under load: while one commits, the next fills; a lone unit is committed at once, so at
 * a low rate nothing waits for company. Once a batch held more than one unit (others are writing
 * too), the next batch waits up to {@link #LINGER} for company before it commits, as PostgreSQL's
 * {@code commit_delay} with {@code commit_siblings} does: under load a commit's fixed cost (on H2,
 * serialising the changed pages; on PostgreSQL, the log flush) is then shared by more units.
 *
 * <p>A unit that throws does not cost the others their write: the batch is rolled back and each of
 * its units is run again in a transaction of its own, so every unit gets exactly the outcome it would
 * have had alone. Savepoints would do the same at two more statements per unit on every batch;
 * failures are rare (a duplicate key, a race another node won), so the retry is the cheaper price.
 * A unit may therefore run twice when another unit of its batch failed; only its first run was rolled
 * back, and units are database work only, so nothing of it is seen twice.
 */
final class JdbcGroupCommit implements GroupCommit, AutoCloseable {
    /** The most units in one transaction: bounds how long one commit holds the locks it took. */
    static final int MAX_BATCH = 512;

    /** How long a batch waits for more units when the previous batch had company. */
    static final Duration LINGER = Duration.ofMillis(1);

    private static final Logger log = LoggerFactory.getLogger(JdbcGroupCommit.class);
    private static final Duration IDLE_POLL = Duration.ofMillis(200);

    private final Jdbi jdbi;
    private final BlockingQueue<Unit<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writer;
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong committedUnits = new AtomicLong();
    private volatile boolean closing;

    private record Unit<T>(Supplier<T> work, CompletableFuture<T> done) {}

    JdbcGroupCommit(Jdbi jdbi, String name) {
        this.jdbi = jdbi;
        this.writer = Thread.ofPlatform().name(name).daemon().start(this::writeUntilClosed);
    }

    @Override
    public <T> CompletableFuture<T> submit(Supplier<T> work) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closing) {
            done.completeExceptionally(new IllegalStateException("the hub is stopping; the database is closing"));
            return done;
        }
        queue.add(new Unit<>(work, done));
        return done;
    }

    /**
     * Runs {@code work} in the writer's next batch and waits for its commit. Called on the writer
     * itself (from inside a unit), it runs at once and joins the unit's transaction.
     */
    @Override
    public <T> T inTransaction(Supplier<T> work) {
        if (Thread.currentThread() == writer) {
            return work.get();
        }
        try {
            return submit(work).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        }
    }

    @Override
    public int waiting() {
        return queue.size();
    }

    @Override
    public long commits() {
        return commits.get();
    }

    @Override
    public long committedUnits() {
        return committedUnits.get();
    }

    /** Lets the writer finish every unit handed in so far, then stops it. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failRemaining(new IllegalStateException("the hub stopped before this write was committed"));
    }

    private void writeUntilClosed() {
        List<Unit<?>> batch = new ArrayList<>();
        int previous = 0;
        while (true) {
            try {
                Unit<?> first = queue.poll(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                if (previous > 1) {
                    linger(batch);
                }
                previous = batch.size();
                write(batch);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | Error e) {
                // write() completes every unit; this is a bug in the writer itself.
                log.atError().setCause(e).log("group commit writer failed a batch");
                batch.forEach(u -> u.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    /** Takes more units into {@code batch} until it is full or {@link #LINGER} has passed. */
    private void linger(List<Unit<?>> batch) throws InterruptedException {
        long deadline = System.nanoTime() + LINGER.toNanos();
        while (batch.size() < MAX_BATCH) {
            long left = deadline - System.nanoTime();
            Unit<?> next = left > 0 ? queue.poll(left, TimeUnit.NANOSECONDS) : null;
            if (next == null) {
                return;
            }
            batch.add(next);
            queue.drainTo(batch, MAX_BATCH - batch.size());
        }
    }

    private void write(List<Unit<?>> batch) {
        List<Runnable> outcomes = new ArrayList<>(batch.size());
        if (batch.size() == 1) {
            writeAlone(batch.getFirst(), outcomes);
        } else {
            writeTogether(batch, outcomes);
        }
        // Callers' continuations run on a thread of their own, so the writer goes on to the next batch.
        Thread.ofVirtual().name("enginex-db-committed").start(() -> outcomes.forEach(Runnable::run));
    }

    private void writeTogether(List<Unit<?>> batch, List<Runnable> outcomes) {
        try {
            List<Runnable> completions = new ArrayList<>(batch.size());
            jdbi.useTransaction(h -> {
                for (Unit<?> unit : batch) {
                    completions.add(completion(unit));
                }
            });
            commits.incrementAndGet();
            committedUnits.addAndGet(batch.size());
            outcomes.addAll(completions);
        } catch (RuntimeException | Error e) {
            if (DatabaseFailures.isUnavailable(e)) {
                failAll(batch, e, outcomes); // each alone would wait for the pool and fail the same way
                return;
            }
            // Rolled back as a whole: each unit again on its own, so one failure fails only itself.
            for (int i = 0; i < batch.size(); i++) {
                Throwable unavailable = writeAlone(batch.get(i), outcomes);
                if (unavailable != null) {
                    failAll(batch.subList(i + 1, batch.size()), unavailable, outcomes);
                    return;
                }
            }
        }
    }

    /** @return the failure when it says the database is unavailable, else null */
    private Throwable writeAlone(Unit<?> unit, List<Runnable> outcomes) {
        try {
            outcomes.add(jdbi.inTransaction(h -> completion(unit)));
            commits.incrementAndGet();
            committedUnits.incrementAndGet();
            return null;
        } catch (RuntimeException | Error e) {
            outcomes.add(() -> unit.done().completeExceptionally(e));
            return DatabaseFailures.isUnavailable(e) ? e : null;
        }
    }

    private static void failAll(List<Unit<?>> units, Throwable why, List<Runnable> outcomes) {
        for (Unit<?> unit : units) {
            outcomes.add(() -> unit.done().completeExceptionally(why));
        }
    }

    /** Runs the unit's work now and returns what completes its future once the batch committed. */
    private static <T> Runnable completion(Unit<T> unit) {
        T result = unit.work().get();
        return () -> unit.done().complete(result);
    }

    private void failRemaining(RuntimeException why) {
        List<Unit<?>> left = new ArrayList<>();
        queue.drainTo(left);
        left.forEach(u -> u.done().completeExceptionally(why));
    }
}
