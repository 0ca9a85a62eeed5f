package io.enginex.edge.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's runtime channel (docs/API.md, "Runtime channel"): many jobs submitted on one WebSocket,
 * each answered with a future of the job once it has finished, instead of a create request and a
 * long-poll per job. Opened by {@link EdgeClient#openChannel}.
 *
 * <p>Every submit carries an idempotency key (the request's, or a new random one). When the socket
 * drops, the channel reconnects (waiting the {@link RetryPolicy}'s backoff, at most its {@code
 * maxAttempts} connects in a row) and submits every job whose end it has not seen again, with the
 * same key and fields: the hub answers a job it already made with that same job and then its end,
 * so a job never runs twice and each future completes once. A refusal ({@code refused} or a bad
 * frame) fails the job's future with an {@link ApiException}; a refusal the policy retries ({@code
 * overloaded}, {@code database_unavailable}, 5xx) is submitted again after the hub's {@code
 * retryAfterSeconds} or a backoff. A channel the hub refuses to (re)open fails every pending future
 * with the hub's {@link ApiException} ({@code 401}, {@code 403}, {@code 404}); one that cannot be
 * reached with a {@link TransportException}.
 *
 * <p>A link that dies without a close (a laptop that slept, a NAT or VPN that forgot the connection,
 * a peer gone without a FIN) is noticed by the channel's keep-alive: it pings every {@code
 * keepAlive} (default {@value #DEFAULT_KEEP_ALIVE_SECONDS} s), and a socket from which nothing (a
 * frame or a pong) has been heard for {@value #SILENT_INTERVALS} of those is dropped and reopened as
 * after a close. A send that fails or takes too long drops the socket the same way.
 *
 * <p>Thread-safe; see client/CONCURRENCY.md for its threads. {@link #close} fails what is pending.
 */
public final class JobChannel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobChannel.class);

    /** How long one frame's send may take before the socket is taken as dead. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    static final int DEFAULT_KEEP_ALIVE_SECONDS = 15;

    /** A socket silent for this many keep-alive intervals is taken as dead. */
    static final int SILENT_INTERVALS = 3;

    private final Transport transport;
    private final String path;
    private final Duration keepAlive;
    private final ReentrantLock sending = new ReentrantLock();
    /** Submits whose end has not been seen, by ref. */
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    /** The same submits, once accepted, by job id. */
    private final ConcurrentHashMap<String, Pending> byJob = new ConcurrentHashMap<>();

    private final AtomicLong refs = new AtomicLong();
    private final AtomicInteger connects = new AtomicInteger();
    /** The open socket's listener, null while reconnecting; written under {@link #sending}. */
    private volatile Listener current;

    private volatile boolean closed;

    /** The keep-alive thread, interrupted by {@link #close}. */
    private volatile Thread keeper;

    /** One submit: its frame (sent unchanged on every attempt and channel) and its job's future. */
    private static final class Pending {
        final String ref;
        final String frame;
        final CompletableFuture<Job> job = new CompletableFuture<>();
        final AtomicInteger refusals = new AtomicInteger();

        Pending(String ref, String frame) {
            this.ref = ref;
            this.frame = frame;
        }
    }

    private JobChannel(Transport transport, String path, Duration keepAlive) {
        this.transport = transport;
        this.path = path;
        this.keepAlive = keepAlive;
    }

    /**
     * Opens the channel, retrying per the policy when the hub cannot be reached.
     *
     * @param keepAlive how often the socket is pinged; one silent for {@value #SILENT_INTERVALS} of
     *     these is dropped and reopened
     */
    static JobChannel open(Transport transport, String path, Duration keepAlive) {
        if (keepAlive.isNegative() || keepAlive.isZero()) {
            throw new IllegalArgumentException("the channel's keep-alive must be positive; got " + keepAlive);
        }
        JobChannel channel = new JobChannel(transport, path, keepAlive);
        Listener first = channel.connect();
        channel.sending.lock();
        try {
            channel.current = first;
        } finally {
            channel.sending.unlock();
        }
        channel.keeper = Thread.ofVirtual().name("enginex-channel-keepalive").start(channel::keepAlive);
        return channel;
    }

    /**
     * Submits a job in {@code sessionId}. Blocks until its frame is written (at most 10 s; a socket
     * that takes longer is dropped and the frame sent again after the reconnect), not for its answer.
     *
     * @return the job once it has finished (succeeded, failed, timed out or cancelled); failed with an
     *     {@link ApiException} when the hub refused it (nothing was made), or an {@link EdgeException}
     *     when the channel closed or could not be reopened before the job's end was seen
     * @throws IllegalStateException when the channel is closed
     */
    public CompletableFuture<Job> submit(String sessionId, JobRequest request) {
        if (closed) {
            throw new IllegalStateException("the channel is closed; open another with EdgeClient.openChannel");
        }
        ObjectNode frame = transport.mapper().createObjectNode();
        String ref = "r" + refs.incrementAndGet();
        frame.put("type", "submit").put("ref", ref).put("sessionId", sessionId);
        frame.put("agentId", request.agentId()).put("tool", request.tool());
        frame.set("args", request.args());
        if (request.timeout() != null) {
            frame.put("timeoutSeconds", request.timeout().toSeconds());
        }
        frame.put(
                "idempotencyKey",
                request.idempotencyKey() != null ? request.idempotencyKey() : Transport.newIdempotencyKey());
        Pending submit;
        try {
            submit = new Pending(ref, transport.mapper().writeValueAsString(frame));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the submit as JSON: " + e.getOriginalMessage(), e);
        }
        sending.lock();
        try {
            pending.put(ref, submit);
            // Without a socket the reconnect sends it with the others.
            Listener open = current;
            if (open != null) {
                send(open, submit);
            }
        } finally {
            sending.unlock();
        }
        return submit.job;
    }

    /** How many times the socket was opened (1, plus one per reconnect). */
    public int connects() {
        return connects.get();
    }

    /** Jobs submitted whose end has not been seen. */
    public int pending() {
        return pending.size();
    }

    /** Closes the socket; pending futures fail with a {@link TransportException}. */
    @Override
    public void close() {
        closed = true;
        Thread keeping = keeper;
        if (keeping != null) {
            keeping.interrupt();
        }
        Listener open = current;
        if (open != null) {
            open.socket.abort();
        }
        failAll(new TransportException(
                transport.base(), "WEBSOCKET", path, connects(), new IOException("the channel was closed")));
    }

    /**
     * Sends one frame on {@code to}'s socket (under {@link #sending}); a send that fails drops the
     * socket, and the reconnect sends the frame again.
     *
     * @return false when the socket was dropped
     */
    private boolean send(Listener to, Pending submit) {
        try {
            to.socket.sendText(submit.frame, true).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            drop(to, "a send failed: " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drop(to, "interrupted while sending");
        }
        return false;
    }

    /**
     * Aborts {@code dropped}'s socket and reconnects. The JDK's WebSocket tells its listener nothing
     * after {@code abort}, so the reconnect is started here; a close the listener reports as well is
     * then one for a socket that is no longer current, and ignored.
     */
    private void drop(Listener dropped, String reason) {
        dropped.socket.abort();
        reconnect(dropped, reason);
    }

    /**
     * The keep-alive thread: pings the current socket every {@link #keepAlive}, and drops one from
     * which nothing has been heard for {@value #SILENT_INTERVALS} intervals. Ends with the channel.
     */
    private void keepAlive() {
        long silentNanos = keepAlive.toNanos() * SILENT_INTERVALS;
        while (!closed) {
            try {
                Thread.sleep(keepAlive);
            } catch (InterruptedException e) {
                return;
            }
            sending.lock();
            try {
                Listener on = current;
                if (closed || on == null) {
                    continue; // reconnecting: the new socket starts its own count
                }
                long silent = System.nanoTime() - on.heard;
                if (silent > silentNanos) {
                    drop(on, "nothing heard for " + Duration.ofNanos(silent).toMillis() + " ms");
                    continue;
                }
                // At most one ping is outstanding (the JDK allows one); its pong counts as heard.
                on.socket.sendPing(java.nio.ByteBuffer.allocate(0));
            } catch (IllegalStateException e) {
                // the last ping has not gone out yet: the socket is stuck, which the silence will tell
            } finally {
                sending.unlock();
            }
        }
    }

    /**
     * Opens a socket, retried per the policy after a failure to reach the hub.
     *
     * @throws ApiException when the hub refused the upgrade (its status; the code is the hub's when the
     *     JDK hands over the answer's body, else {@code http_<status>})
     * @throws TransportException when it could not be reached within the policy's attempts
     */
    private Listener connect() {
        for (int attempt = 1; ; attempt++) {
            Listener listener = new Listener();
            try {
                WebSocket opened = transport.openWebSocket(path, listener).join();
                listener.socket = opened;
                listener.heard = System.nanoTime();
                connects.incrementAndGet();
                return listener;
            } catch (java.util.concurrent.CompletionException e) {
                if (e.getCause() instanceof WebSocketHandshakeException refused) {
                    throw refusal(refused.getResponse());
                }
                Exception cause = e.getCause() instanceof Exception c ? c : e;
                if (closed || attempt >= transport.policy().maxAttempts()) {
                    throw new TransportException(transport.base(), "WEBSOCKET", path, attempt, cause);
                }
                try {
                    transport.sleeper().sleep(transport.backoff(attempt));
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new TransportException(transport.base(), "WEBSOCKET", path, attempt, interrupted);
                }
            }
        }
    }

    private ApiException refusal(HttpResponse<?> response) {
        Object body = response.body();
        return transport.refusal(
                "WEBSOCKET",
                path,
                response.statusCode(),
                body instanceof String text ? text : null,
                response.headers().firstValue("Retry-After").orElse(null));
    }

    /** The socket dropped: reopen it and send again every submit whose end was not seen. */
    private void reconnect(Listener dropped, String reason) {
        sending.lock();
        try {
            if (closed || current != dropped) {
                return;
            }
            current = null;
        } finally {
            sending.unlock();
        }
        log.atInfo()
                .addKeyValue("path", path)
                .addKeyValue("pending", pending.size())
                .addKeyValue("reason", reason)
                .log("runtime channel dropped; reconnecting and submitting again with the same keys");
        Thread.ofVirtual().name("enginex-channel").start(() -> {
            Listener next;
            try {
                next = connect();
            } catch (EdgeException e) {
                closed = true;
                failAll(e);
                return;
            }
            sending.lock();
            try {
                if (closed) {
                    next.socket.abort();
                    return;
                }
                current = next;
                for (Pending submit : List.copyOf(pending.values())) {
                    if (!send(next, submit)) {
                        break; // dropped again: the next reconnect sends the rest
                    }
                }
            } finally {
                sending.unlock();
            }
        });
    }

    private void failAll(EdgeException reason) {
        for (Pending submit : List.copyOf(pending.values())) {
            pending.remove(submit.ref);
            submit.job.completeExceptionally(reason);
        }
        byJob.clear();
    }

    private void handle(String text) {
        JsonNode frame = transport.parse(text);
        String type = frame.path("type").asText();
        if ("finished".equals(type)) {
            Pending submit = byJob.remove(frame.at("/job/id").asText());
            if (submit != null) {
                finish(submit, Job.from(frame.get("job")));
            }
            return;
        }
        Pending submit = pending.get(frame.path("ref").asText());
        if (submit == null) {
            log.atDebug().addKeyValue("type", type).log("a runtime channel frame for no pending submit; ignored");
            return;
        }
        switch (type) {
            case "accepted" -> {
                Job job = Job.from(frame.get("job"));
                if (job.finished()) {
                    finish(submit, job);
                } else {
                    byJob.put(job.id(), submit);
                }
            }
            case "refused", "error" -> refused(submit, frame);
            default -> log.atDebug().addKeyValue("type", type).log("an unknown runtime channel frame; ignored");
        }
    }

    private void finish(Pending submit, Job job) {
        pending.remove(submit.ref);
        byJob.remove(job.id());
        submit.job.complete(job);
    }

    private void refused(Pending submit, JsonNode frame) {
        int status = frame.path("status").asInt(400);
        String code = frame.at("/error/code").asText("http_" + status);
        Duration retryAfter = frame.has("retryAfterSeconds")
                ? Duration.ofSeconds(Math.max(0, frame.path("retryAfterSeconds").asLong()))
                : null;
        var error = new ApiException(
                "SUBMIT", path, status, code, frame.at("/error/message").asText(), retryAfter);
        int attempt = submit.refusals.incrementAndGet();
        RetryPolicy policy = transport.policy();
        if (!policy.retryable(status, code) || attempt >= policy.maxAttempts() || closed) {
            pending.remove(submit.ref);
            submit.job.completeExceptionally(error);
            return;
        }
        Duration wait = retryAfter != null ? policy.honour(retryAfter) : transport.backoff(attempt);
        Thread.ofVirtual().name("enginex-channel-retry").start(() -> {
            try {
                transport.sleeper().sleep(wait);
            } catch (InterruptedException e) {
                return;
            }
            sending.lock();
            try {
                Listener open = current;
                if (open != null && !closed && pending.containsKey(submit.ref)) {
                    send(open, submit);
                }
            } finally {
                sending.unlock();
            }
        });
    }

    /** One socket's frames; a socket other than the current one is ignored. */
    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();
        /** Set once the handshake completed, before the listener becomes {@link #current}. */
        volatile WebSocket socket;
        /** When something (a frame, a pong) was last heard on this socket ({@link System#nanoTime}). */
        volatile long heard = System.nanoTime();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            heard = System.nanoTime();
            partial.append(data);
            if (last) {
                String text = partial.toString();
                partial.setLength(0);
                if (this == current) {
                    handle(text);
                }
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPong(WebSocket webSocket, java.nio.ByteBuffer message) {
            heard = System.nanoTime();
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onPing(WebSocket webSocket, java.nio.ByteBuffer message) {
            heard = System.nanoTime();
            // The JDK answers the ping with a pong itself; this only counts it as heard.
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            reconnect(this, "closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            reconnect(this, error.toString());
        }
    }
}
