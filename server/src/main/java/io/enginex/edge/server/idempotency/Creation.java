package io.enginex.edge.server.idempotency;

import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One create operation, split where the database transaction begins and ends.
 *
 * <p>{@link #prepared} does the reads and checks on the calling thread, before any transaction.
 * {@link #write} and (when the request has a key) {@link #answer} of the creation it returns run
 * inside one transaction, together with the write of the key: every store call they make joins that
 * transaction. The transaction is the hub's group commit, shared with other requests' creates, so
 * they may run on its writer thread: they must be short writes, with no reads that could have been
 * prepared and nothing that talks to the network (an agent, a webhook). Such work goes in {@link
 * #afterCommit}, which runs once the resource is durable.
 *
 * @param <T> the resource made
 */
public interface Creation<T> {
    /**
     * Takes what this create holds while it runs, such as a place in job admission control: first,
     * before the key is looked up or anything read. The release it returns runs when the create ends,
     * whatever its outcome.
     *
     * @throws RuntimeException a refusal; nothing was done
     */
    default Runnable admit() {
        return () -> {};
    }

    /** This creation, which first takes what {@code admit} returns the release of (see {@link #admit}). */
    default Creation<T> admittedBy(Supplier<Runnable> admit) {
        return forwarding(this, admit, this::replayed);
    }

    /** This creation, with {@code resume} as its {@link #replayed} work. */
    default Creation<T> resumedBy(Consumer<String> resume) {
        return forwarding(this, this::admit, resume);
    }

    /** {@code inner}, with {@code admit} and {@code resume} as its {@link #admit} and {@link #replayed}. */
    private static <T> Creation<T> forwarding(Creation<T> inner, Supplier<Runnable> admit, Consumer<String> resume) {
        return new Creation<>() {
            @Override
            public Runnable admit() {
                return admit.get();
            }

            @Override
            public Creation<T> prepared() {
                return inner.prepared();
            }

            @Override
            public T write() {
                return inner.write();
            }

            @Override
            public Answer answer(T created) {
                return inner.answer(created);
            }

            @Override
            public T afterCommit(T created) {
                return inner.afterCommit(created);
            }

            @Override
            public void replayed(String resourceId) {
                resume.accept(resourceId);
            }
        };
    }

    /**
     * Reads and checks what the write needs, outside the transaction. Runs once per request that is
     * not a replay, after the key was looked up (so a retry gets its stored answer even when a check
     * would fail now). A {@link RuntimeException} reaches the caller unchanged; nothing was written.
     *
     * @return the creation to write; by default this one, with nothing to prepare
     */
    default Creation<T> prepared() {
        return this;
    }

    /**
     * Validates and writes the resource (and its audit event). A {@link RuntimeException} rolls the
     * transaction back and reaches the caller unchanged; nothing is remembered for the key then.
     */
    T write();

    /** The answer for {@code created}: status 2xx, the JSON body and the resource's id. */
    Answer answer(T created);

    /**
     * Work after commit (send a job to its agent). Runs for the first request only, never for a
     * replay. A failure here is logged and does not change the answer: the resource exists.
     */
    default T afterCommit(T created) {
        return created;
    }

    /**
     * Work when a request with this creation's key is answered from the key's stored answer: the first
     * request's {@link #afterCommit} work may never have run, as the node that committed it can die
     * between the commit and that work (a job then lies queued with nobody told to send it). Runs on
     * every replay, so it must be safe to repeat (send a job only if it is still queued; a socket
     * sends a job at most once). A failure is logged and does not change the answer.
     *
     * @param resourceId the id the stored answer names
     */
    default void replayed(String resourceId) {}

    /** A creation with no after-commit work. */
    static <T> Creation<T> of(Supplier<T> write, Function<T, Answer> answer) {
        return of(write, answer, UnaryOperator.identity());
    }

    /**
     * A creation whose write needs what {@code prepare} reads first, outside the transaction.
     *
     * @param <P> what is prepared
     */
    static <T, P> Creation<T> preparedBy(
            Supplier<P> prepare, Function<P, T> write, Function<T, Answer> answer, UnaryOperator<T> afterCommit) {
        return new Creation<>() {
            @Override
            public Creation<T> prepared() {
                P ready = prepare.get();
                return of(() -> write.apply(ready), answer, afterCommit);
            }

            @Override
            public T write() {
                return prepared().write();
            }

            @Override
            public Answer answer(T created) {
                return answer.apply(created);
            }

            @Override
            public T afterCommit(T created) {
                return afterCommit.apply(created);
            }
        };
    }

    /** A creation from its three parts. */
    static <T> Creation<T> of(Supplier<T> write, Function<T, Answer> answer, UnaryOperator<T> afterCommit) {
        return new Creation<>() {
            @Override
            public T write() {
                return write.get();
            }

            @Override
            public Answer answer(T created) {
                return answer.apply(created);
            }

            @Override
            public T afterCommit(T created) {
                return afterCommit.apply(created);
            }
        };
    }
}
