package io.enginex.edge.server.idempotency;

import java.util.function.Function;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/**
 * One create operation, split where the database transaction ends.
 *
 * <p>{@link #write} and (when the request has a key) {@link #answer} run inside one transaction on
 * the calling thread, together with the write of the key: every store call they make on this thread
 * joins that transaction. Nothing in them may talk to the network (an agent, a webhook): such work
 * goes in {@link #afterCommit}, which runs once the resource is durable.
 *
 * @param <T> the resource made
 */
public interface Creation<T> {
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

    /** A creation with no after-commit work. */
    static <T> Creation<T> of(Supplier<T> write, Function<T, Answer> answer) {
        return of(write, answer, UnaryOperator.identity());
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
