package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.store.JobState;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Keeps {@code engine top}'s picture of a tenant current. Jobs change through the tenant's job
 * event stream ({@code GET /tenants/{t}/events}): each event triggers a new read at once. Agents
 * coming online or going offline have no stream in the API, so the whole picture is also read
 * every {@code interval}. A failed read (hub unreachable, key refused) is reported and retried at
 * the next interval, so the view recovers by itself when the hub is back.
 *
 * <p>Threads: {@link #start} starts two virtual threads, one reading, one holding the event
 * stream open (reconnecting with a growing pause, up to {@link #MAX_RECONNECT}); the {@link
 * Listener} is called on them and must hand the news to its own thread. {@link #close} stops both.
 */
final class TopFeed implements AutoCloseable {
    /** The most recent jobs shown. */
    static final int RECENT_JOBS = 30;

    /** The jobs awaiting approval shown at most (the oldest beyond this are not listed). */
    static final int PENDING_JOBS = 100;

    static final Duration MAX_RECONNECT = Duration.ofSeconds(10);

    /** What the feed reports; called on the feed's threads. */
    interface Listener {
        void snapshot(TopSnapshot snapshot);

        /** A read failed; {@code message} says what happened and what to do. */
        void failed(String message);

        /** Whether the job event stream is open (else the view only polls). */
        void live(boolean live);
    }

    private final HubClient hub;
    private final String tenant;
    private final Duration interval;
    private final Clock clock;
    private final Listener listener;
    private final BlockingQueue<Boolean> wakes = new ArrayBlockingQueue<>(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean closed;
    private volatile boolean streamOpened;

    TopFeed(HubClient hub, String tenant, Duration interval, Clock clock, Listener listener) {
        this.hub = hub;
        this.tenant = tenant;
        this.interval = interval;
        this.clock = clock;
        this.listener = listener;
    }

    /** Reads the tenant's agents, pending approvals and recent jobs now; {@link CliException} on failure. */
    TopSnapshot read() {
        String base = "/api/v1/tenants/" + tenant;
        List<JsonNode> agents = new ArrayList<>();
        for (JsonNode a : hub.get(base + "/agents")) {
            if (!a.path("archivedAt").isTextual()) {
                agents.add(a);
            }
        }
        List<JsonNode> pending = new ArrayList<>();
        hub.get(base + "/jobs?state=awaiting_approval&limit=" + PENDING_JOBS).forEach(pending::add);
        List<JsonNode> jobs = new ArrayList<>();
        for (JobState state : JobState.values()) {
            if (state != JobState.AWAITING_APPROVAL) {
                hub.get(base + "/jobs?state=" + state.wire() + "&limit=" + RECENT_JOBS)
                        .forEach(jobs::add);
            }
        }
        jobs.sort(Comparator.comparing((JsonNode j) -> j.path("createdAt").asText())
                .reversed());
        return new TopSnapshot(agents, pending, jobs.subList(0, Math.min(RECENT_JOBS, jobs.size())), clock.instant());
    }

    /** Starts reading and listening; see the class comment. */
    void start(boolean events) {
        threads.add(Thread.ofVirtual().name("top-read").start(this::readLoop));
        if (events) {
            threads.add(Thread.ofVirtual().name("top-events").start(this::eventLoop));
        }
    }

    /** Asks for a read now (at most one is queued). */
    void refresh() {
        wakes.offer(Boolean.TRUE);
    }

    private void readLoop() {
        while (!closed) {
            try {
                listener.snapshot(read());
            } catch (CliException e) {
                listener.failed(e.getMessage());
            }
            try {
                wakes.poll(interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void eventLoop() {
        Duration pause = Duration.ofSeconds(1);
        while (!closed) {
            streamOpened = false;
            try {
                hub.stream("/api/v1/tenants/" + tenant + "/events", event -> {
                    switch (event.type()) {
                        case "ready" -> {
                            streamOpened = true;
                            listener.live(true);
                            refresh();
                        }
                        case "closed" -> listener.failed("the hub closed the job event stream: " + event.data());
                        default -> refresh();
                    }
                });
            } catch (CliException e) {
                // The read loop reports the same failure (and its fix) at its next read.
            }
            listener.live(false);
            if (streamOpened) {
                pause = Duration.ofSeconds(1);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            pause = pause.multipliedBy(2).compareTo(MAX_RECONNECT) > 0 ? MAX_RECONNECT : pause.multipliedBy(2);
        }
    }

    @Override
    public void close() {
        closed = true;
        threads.forEach(Thread::interrupt);
    }
}
