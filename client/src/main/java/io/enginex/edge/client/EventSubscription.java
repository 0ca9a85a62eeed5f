package io.enginex.edge.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Iterator;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live subscription to a tenant's or a session's job events ({@code GET …/events}), which
 * reconnects by itself: when the connection drops, the hub restarts, or nothing (not even the hub's
 * 15 s keep-alive) arrives for {@link #IDLE_LIMIT}, it connects again with {@code Last-Event-ID} set
 * to the position after the last event delivered, so the hub sends exactly the events written since:
 * none missed, none twice. Waits between reconnects follow the client's {@link RetryPolicy} backoff
 * (full jitter; the hub's {@code Retry-After} when it answered 429 or 5xx), reset by every
 * connection that opens; the number of reconnects is unbounded.
 *
 * <p>One virtual thread reads the stream and calls the {@link JobEventListener}; a second watches
 * for an idle stream. {@link #close} stops both; it is safe from any thread, including the
 * listener's.
 */
public final class EventSubscription implements AutoCloseable {
    /** A stream silent this long (three of the hub's keep-alives) is treated as dropped. */
    public static final Duration IDLE_LIMIT = Duration.ofSeconds(45);

    private static final Logger log = LoggerFactory.getLogger(EventSubscription.class);

    private final Transport transport;
    private final String path;
    private final JobEventListener listener;
    private final CountDownLatch firstOpen = new CountDownLatch(1);
    private final AtomicInteger connects = new AtomicInteger();
    private final Thread reader;
    private final Thread watchdog;
    private volatile String lastEventId;
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile boolean closed;
    private volatile Stream<String> current;

    private EventSubscription(Transport transport, String path, String lastEventId, JobEventListener listener) {
        this.transport = transport;
        this.path = path;
        this.lastEventId = lastEventId;
        this.listener = listener;
        this.reader = Thread.ofVirtual().name("enginex-events").unstarted(this::run);
        this.watchdog = Thread.ofVirtual().name("enginex-events-idle").unstarted(this::watch);
    }

    static EventSubscription start(Transport transport, String path, String lastEventId, JobEventListener listener) {
        EventSubscription subscription = new EventSubscription(transport, path, lastEventId, listener);
        subscription.reader.start();
        subscription.watchdog.start();
        return subscription;
    }

    /**
     * Waits until the stream is open for the first time (the hub sent its {@code ready} event), so
     * that events written from now on are delivered even to a subscription made without a {@code
     * Last-Event-ID}.
     *
     * @return false when {@code timeout} passed first, or the subscription ended
     */
    public boolean awaitOpen(Duration timeout) throws InterruptedException {
        return firstOpen.await(timeout.toNanos(), TimeUnit.NANOSECONDS) && !closed;
    }

    /** The position after the last event delivered (or the stream's start), to resume from later. */
    public String lastEventId() {
        return lastEventId;
    }

    /** How many times the stream opened (1 until the first reconnect). */
    public int connects() {
        return connects.get();
    }

    /** Whether the subscription still runs (it was not closed and did not end). */
    public boolean isActive() {
        return !closed;
    }

    @Override
    public void close() {
        closed = true;
        reader.interrupt();
        watchdog.interrupt();
        Stream<String> stream = current;
        if (stream != null) {
            stream.close();
        }
    }

    private void run() {
        int failures = 0;
        Duration hubsWait = null; // the hub's Retry-After on a refusal worth retrying
        while (!closed) {
            try {
                HttpResponse<Stream<String>> response = transport.openLines(path, lastEventId);
                try (Stream<String> lines = response.body()) {
                    current = lines;
                    if (response.statusCode() != 200) {
                        String text = lines.collect(Collectors.joining("\n"));
                        ApiException refused = transport.refusal(
                                "GET",
                                path,
                                response.statusCode(),
                                text,
                                response.headers().firstValue("Retry-After").orElse(null));
                        if (!transport.policy().retryable(refused.status(), refused.code())) {
                            end(refused);
                            return;
                        }
                        hubsWait = refused.retryAfter()
                                .map(transport.policy()::honour)
                                .orElse(null);
                        throw new IOException("the hub answered " + refused.getMessage());
                    }
                    if (read(lines.iterator())) {
                        failures = 0;
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                if (!closed) {
                    log.atDebug()
                            .addKeyValue("path", path)
                            .addKeyValue("reason", e.toString())
                            .log("event stream dropped; reconnecting");
                }
            } catch (InterruptedException e) {
                // close(), or the watchdog found the stream idle: the loop decides
            } catch (StreamEnded e) {
                end(e.reason);
                return;
            } finally {
                current = null;
            }
            Thread.interrupted(); // a watchdog interrupt is spent; close() is seen through `closed`
            if (closed) {
                return;
            }
            failures++;
            Duration wait = hubsWait != null ? hubsWait : transport.backoff(failures);
            hubsWait = null;
            try {
                transport.sleeper().sleep(wait);
            } catch (InterruptedException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    /**
     * Reads events until the stream ends.
     *
     * @return whether the stream opened (the hub sent {@code ready})
     */
    private boolean read(Iterator<String> lines) {
        ServerSentEvents parser = new ServerSentEvents();
        boolean opened = false;
        while (!closed && lines.hasNext()) {
            lastHeardNanos = System.nanoTime();
            ServerSentEvents.Event event = parser.line(lines.next());
            if (event == null || closed) {
                continue;
            }
            JsonNode data = parse(event.data());
            switch (event.type()) {
                case "ready" -> {
                    opened = true;
                    lastEventId = event.id();
                    connects.incrementAndGet();
                    firstOpen.countDown();
                }
                case "closed" ->
                    // the caller's credential no longer holds (a revoked key, an ended login)
                    throw new StreamEnded(new ApiException(
                            "GET",
                            path,
                            401,
                            data.path("code").asText("closed"),
                            data.path("message").asText("the hub closed the event stream"),
                            null));
                default -> deliver(JobEvent.from(event.type(), data, event.id()));
            }
        }
        return opened;
    }

    private void deliver(JobEvent event) {
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            log.atWarn()
                    .addKeyValue("event", event.id())
                    .addKeyValue("type", event.type())
                    .addKeyValue("reason", e.toString())
                    .log("a job event listener failed; going on with the next event");
        }
        lastEventId = event.lastEventId();
    }

    private void end(EdgeException reason) {
        closed = true;
        watchdog.interrupt();
        firstOpen.countDown();
        listener.onEnd(reason);
    }

    private void watch() {
        while (!closed) {
            try {
                Thread.sleep(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                return;
            }
            if (System.nanoTime() - lastHeardNanos > IDLE_LIMIT.toNanos() && current != null) {
                log.atInfo()
                        .addKeyValue("path", path)
                        .addKeyValue("idleSeconds", IDLE_LIMIT.toSeconds())
                        .log("event stream silent; reconnecting");
                lastHeardNanos = System.nanoTime();
                reader.interrupt();
            }
        }
    }

    private JsonNode parse(String data) {
        try {
            return transport.mapper().readTree(data);
        } catch (JsonProcessingException e) {
            return transport.mapper().createObjectNode().put("raw", data);
        }
    }

    /** The hub closed the stream for the caller: not worth a reconnect. */
    private static final class StreamEnded extends RuntimeException {
        private static final long serialVersionUID = 1L;

        @SuppressWarnings("serial")
        private final EdgeException reason;

        StreamEnded(EdgeException reason) {
            super(reason.getMessage(), null, false, false);
            this.reason = reason;
        }
    }
}
