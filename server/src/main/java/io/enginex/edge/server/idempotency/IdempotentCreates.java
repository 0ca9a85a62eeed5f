package io.enginex.edge.server.idempotency;

import io.enginex.edge.server.HubException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs creations at most once per {@code Idempotency-Key}.
 *
 * <ul>
 *   <li>No key: the creation runs as always (write in one transaction, then after-commit work).
 *   <li>A new key: the resource, its audit event and the key with the answer are written in one
 *       transaction; then the after-commit work runs, and the stored answer is returned.
 *   <li>A key seen before with the same method, path and body: the first answer, marked replayed;
 *       nothing is written again, and the creation's {@link Creation#replayed} work finishes what
 *       the first request's node may have died before doing (sending a job still queued). With another request: {@code 422 idempotency_key_reused}.
 *   <li>A key whose first request is still running on this node: {@code 409 idempotency_key_in_use}.
 *       On another node the database makes the second wait for the first and then replays it.
 * </ul>
 *
 * Only successful creations are remembered: a refused request (400, 404 …) wrote nothing, so a retry
 * with the same key simply runs again. Keys live at least {@link #RETENTION}; {@link #sweep} deletes
 * older ones. Thread-safe.
 */
public final class IdempotentCreates {
    private static final Logger log = LoggerFactory.getLogger(IdempotentCreates.class);

    /** How long a key is kept at least (the IETF draft leaves it to the server; clients retry for less). */
    public static final Duration RETENTION = Duration.ofHours(24);

    private final IdempotencyStore store;
    private final AnswerSeal seal;
    private final Clock clock;
    private final Set<String> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * @param hubSecret the hub's 32-byte secret: keys are stored as HMACs under it
     */
    public IdempotentCreates(IdempotencyStore store, byte[] hubSecret, SecureRandom random, Clock clock) {
        this.store = store;
        this.seal = new AnswerSeal(hubSecret, random);
        this.clock = clock;
    }

    /**
     * Creates once per key and returns the answer to send.
     *
     * @throws HubException.Conflict {@code idempotency_key_in_use} while the first request with this
     *     key is still running
     * @throws HubException.Unprocessable {@code idempotency_key_reused} when the key was used for
     *     another request
     * @throws RuntimeException whatever {@link Creation#write} throws; nothing was stored then
     */
    public <T> Answer create(IdempotentRequest request, Creation<T> creation) {
        Runnable release = creation.admit();
        try {
            return createAdmitted(request, creation);
        } finally {
            release.run();
        }
    }

    private <T> Answer createAdmitted(IdempotentRequest request, Creation<T> creation) {
        if (request.key() == null) {
            Creation<T> ready = creation.prepared();
            T created = store.inTransaction(ready::write);
            return ready.answer(afterCommit(ready, created));
        }
        String scoped = AnswerSeal.scoped(request.tenantId(), request.principal(), request.key());
        String keyHash = seal.keyHash(scoped);
        String running = request.tenantId() + "\n" + request.principal() + "\n" + keyHash;
        if (!inFlight.add(running)) {
            throw inUse(request);
        }
        try {
            Optional<Answer> earlier = replay(request, scoped, keyHash);
            if (earlier.isPresent()) {
                return resumed(creation, earlier.get());
            }
            String fingerprint = request.fingerprint();
            Creation<T> ready = creation.prepared();
            Written<T> written;
            try {
                written = store.inTransaction(() -> {
                    T created = ready.write();
                    Answer answer = ready.answer(created);
                    store.insert(new StoredKey(
                            request.tenantId(),
                            request.principal(),
                            keyHash,
                            fingerprint,
                            answer.resourceId(),
                            answer.status(),
                            seal.seal(scoped, answer.body()),
                            clock.instant()));
                    return new Written<>(created, answer);
                });
            } catch (IdempotencyStore.KeyTakenException e) {
                // Another node committed this key while we were writing; ours rolled back.
                return resumed(creation, replay(request, scoped, keyHash).orElseThrow(() -> inUse(request)));
            }
            afterCommit(ready, written.created());
            return written.answer();
        } finally {
            inFlight.remove(running);
        }
    }

    /**
     * Runs {@code creation} without a key: {@link Creation#write} in one transaction, then its
     * after-commit work. Its answer is not made.
     *
     * @return what was created, as the after-commit work left it
     */
    public <T> T once(Creation<T> creation) {
        Runnable release = creation.admit();
        try {
            Creation<T> ready = creation.prepared();
            T created = store.inTransaction(ready::write);
            return afterCommit(ready, created);
        } finally {
            release.run();
        }
    }

    /** Deletes keys older than {@link #RETENTION}; for a timer. Never throws. */
    public void sweep() {
        try {
            int deleted = store.deleteCreatedBefore(clock.instant().minus(RETENTION));
            if (deleted > 0) {
                log.atInfo().addKeyValue("deleted", deleted).log("swept expired idempotency keys");
            }
        } catch (RuntimeException e) {
            log.atWarn().addKeyValue("reason", e.toString()).log("cannot sweep idempotency keys; trying again later");
        }
    }

    private Optional<Answer> replay(IdempotentRequest request, String scoped, String keyHash) {
        return store.find(request.tenantId(), request.principal(), keyHash).map(stored -> {
            if (!stored.fingerprint().equals(request.fingerprint())) {
                throw new HubException.Unprocessable(
                        "idempotency_key_reused",
                        "this Idempotency-Key was used at " + stored.createdAt() + " for another request (it made "
                                + stored.resourceId() + "); a retry must repeat the same method, path and body"
                                + " exactly. Send a new key for a new request.");
            }
            return Answer.of(stored.status(), stored.resourceId(), seal.open(scoped, stored.sealedAnswer()))
                    .asReplay();
        });
    }

    /** {@code replay}, after its creation's {@link Creation#replayed} work. */
    private static Answer resumed(Creation<?> creation, Answer replay) {
        try {
            creation.replayed(replay.resourceId());
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("resourceId", replay.resourceId())
                    .addKeyValue("reason", e.toString())
                    .log("work on a replayed creation failed; answered with the first answer all the same");
        }
        return replay;
    }

    private static <T> T afterCommit(Creation<T> creation, T created) {
        try {
            return creation.afterCommit(created);
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("reason", e.toString())
                    .log("work after a creation failed; the resource was made and is answered as made");
            return created;
        }
    }

    private static HubException inUse(IdempotentRequest request) {
        return new HubException.Conflict(
                "idempotency_key_in_use",
                "a request with this Idempotency-Key (" + request.method() + " " + request.path()
                        + ") is still being processed; retry in a moment with the same key to get its answer");
    }

    private record Written<T>(T created, Answer answer) {}
}
