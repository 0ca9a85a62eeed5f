package io.enginex.edge.agent.usersession;

import io.enginex.edge.protocol.Dispatch;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The consent requests waiting for the person at the machine, and the arbitration between the places
 * they can answer in (the session part's dialog, the status page): the first answer wins, a later one
 * is told {@link Verdict#ALREADY_ANSWERED}, and a request nobody answered before it expires is denied
 * ({@code timeout}). Only the user a request is for may answer it.
 *
 * <p>Thread-safe: the job thread {@link #open opens} and {@link #await awaits}; any thread (the dialog's,
 * the status page's) {@link #answer answers}. The listener runs on the thread that decided the
 * request, outside any lock.
 */
public final class ConsentDesk {
    /**
     * What the person is asked: job {@code jobId} wants {@code tool} to use {@code secret} or, when
     * {@code secret} is null, to run with the arguments {@code details} (a tool the policy marks {@code
     * consentRequired}). {@code requestedBy} is who asked for the job on the hub, as the dispatch named
     * them ({@code alice@acme.example (dashboard)}), or null when the hub did not say.
     */
    public record Request(
            String id,
            String user,
            String jobId,
            String tool,
            String secret,
            Instant asked,
            Instant expires,
            String details,
            String requestedBy) {
        public Request {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(user, "user");
            requestedBy = Dispatch.requester(requestedBy);
        }

        /** What the person is shown, in one sentence; it ends "asked by X" when the requester is known. */
        public String shown() {
            String what = secret != null
                    ? "job " + jobId + " wants " + tool + " to use the secret " + secret
                    : "job " + jobId + " wants to run " + tool + " with " + details;
            return requestedBy == null ? what : what + ", asked by " + requestedBy;
        }

        /** Time left to answer at {@code now}, never negative. */
        public Duration left(Instant now) {
            Duration left = Duration.between(now, expires);
            return left.isNegative() ? Duration.ZERO : left;
        }
    }

    /**
     * How a request was decided.
     *
     * @param by the account that answered, or null when nobody did ({@code via} {@code timeout})
     * @param via {@code dialog}, {@code status page} or {@code timeout}
     */
    public record Answer(boolean allowed, String by, String via, Instant at) {
        /** For people and messages: "allowed by alice on the status page", "no answer before …". */
        public String describe() {
            if (by == null) {
                return "no answer before " + at + " (" + via + ")";
            }
            return (allowed ? "allowed" : "denied") + " by " + by + " (" + via + ") at " + at;
        }
    }

    /** What became of an {@link #answer}. */
    public enum Verdict {
        /** This answer decided the request. */
        ANSWERED,
        /** Another answer (or the timeout) came first; {@link Reply#answer} is that one. */
        ALREADY_ANSWERED,
        /** No request with that id (never, or long ago). */
        NOT_FOUND,
        /** The request is for another user; nothing changed. */
        WRONG_USER
    }

    /** @param request null for {@link Verdict#NOT_FOUND}; @param answer the deciding answer, if any */
    public record Reply(Verdict verdict, Request request, Answer answer) {}

    /** Told once per request: when it was opened, and when it was decided. Must not throw. */
    public interface Listener {
        void opened(Request request);

        void decided(Request request, Answer answer);

        Listener NONE = new Listener() {
            @Override
            public void opened(Request request) {}

            @Override
            public void decided(Request request, Answer answer) {}
        };
    }

    /** How many decided requests are remembered, to tell a late answer "already answered". */
    static final int REMEMBERED = 50;

    private record Waiting(Request request, CompletableFuture<Answer> answer) {}

    private final Clock clock;
    private final Listener listener;
    private final Map<String, Waiting> pending = new ConcurrentHashMap<>();
    private final ReentrantLock decidedLock = new ReentrantLock();
    private final Map<String, Waiting> decided = new LinkedHashMap<>() {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Waiting> eldest) {
            return size() > REMEMBERED;
        }
    };

    public ConsentDesk(Clock clock, Listener listener) {
        this.clock = clock;
        this.listener = listener;
    }

    /** Opens a request for {@code user}, to be answered before {@code expires}. */
    public Request open(String user, String jobId, String tool, String secret, Instant expires) {
        return open(user, jobId, tool, secret, null, expires);
    }

    /** Opens a request for {@code user} about a secret, or (secret null) a tool call shown as {@code details}. */
    public Request open(String user, String jobId, String tool, String secret, String details, Instant expires) {
        return open(user, jobId, tool, secret, details, null, expires);
    }

    /**
     * Opens a request for {@code user} about a secret, or (secret null) a tool call shown as {@code
     * details}, for a job {@code requestedBy} asked for on the hub (null: unknown).
     */
    public Request open(
            String user,
            String jobId,
            String tool,
            String secret,
            String details,
            String requestedBy,
            Instant expires) {
        Request request = new Request(
                UUID.randomUUID().toString(),
                user,
                jobId,
                tool,
                secret,
                clock.instant(),
                expires,
                details,
                requestedBy);
        pending.put(request.id(), new Waiting(request, new CompletableFuture<>()));
        listener.opened(request);
        return request;
    }

    /**
     * Blocks until {@code request} is answered or expires (then it is denied with {@code via}
     * {@code timeout}, unless an answer won the race).
     *
     * @return the deciding answer
     * @throws InterruptedException when the job is stopped; the request is then denied ({@code cancelled})
     */
    public Answer await(Request request) throws InterruptedException {
        Waiting entry = pending.get(request.id());
        if (entry == null) {
            return decidedAnswer(request.id());
        }
        try {
            long millis = Math.max(1, request.left(clock.instant()).toMillis());
            return entry.answer().get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return decide(entry, new Answer(false, null, "timeout", clock.instant()))
                    .answer();
        } catch (InterruptedException e) {
            decide(entry, new Answer(false, null, "cancelled", clock.instant()));
            throw e;
        } catch (ExecutionException e) {
            throw new IllegalStateException("a consent answer is never completed exceptionally", e);
        }
    }

    /**
     * Answers request {@code id} as {@code by}; the first answer wins.
     *
     * @param by the account answering; must be the request's user
     * @param via where: {@code dialog} or {@code status page}
     */
    public Reply answer(String id, String by, boolean allow, String via) {
        Waiting entry = id == null ? null : pending.get(id);
        if (entry == null) {
            Waiting done = remembered(id);
            return done == null
                    ? new Reply(Verdict.NOT_FOUND, null, null)
                    : new Reply(
                            Verdict.ALREADY_ANSWERED,
                            done.request(),
                            done.answer().join());
        }
        if (!entry.request().user().equals(by)) {
            return new Reply(Verdict.WRONG_USER, entry.request(), null);
        }
        return decide(entry, new Answer(allow, by, via, clock.instant()));
    }

    /** Whether {@code id} is still waiting for an answer. */
    public boolean isPending(String id) {
        return pending.containsKey(id);
    }

    /** The requests waiting, oldest first. */
    public List<Request> pending() {
        List<Request> all =
                new ArrayList<>(pending.values().stream().map(Waiting::request).toList());
        all.sort(Comparator.comparing(Request::asked));
        return all;
    }

    private Reply decide(Waiting entry, Answer answer) {
        if (!entry.answer().complete(answer)) {
            return new Reply(
                    Verdict.ALREADY_ANSWERED, entry.request(), entry.answer().join());
        }
        decidedLock.lock();
        try {
            decided.put(entry.request().id(), entry);
        } finally {
            decidedLock.unlock();
        }
        pending.remove(entry.request().id());
        listener.decided(entry.request(), answer);
        return new Reply(Verdict.ANSWERED, entry.request(), answer);
    }

    private Waiting remembered(String id) {
        decidedLock.lock();
        try {
            return id == null ? null : decided.get(id);
        } finally {
            decidedLock.unlock();
        }
    }

    private Answer decidedAnswer(String id) {
        Waiting done = remembered(id);
        if (done == null) {
            throw new IllegalArgumentException("no consent request " + id + " was opened on this desk");
        }
        return done.answer().join();
    }
}
