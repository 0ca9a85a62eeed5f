package io.enginex.edge.server.dashboard;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.LiveViews;
import io.javalin.http.sse.SseClient;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live fragments over server-sent events. A page holds an element like
 *
 * <pre>{@code <div hx-ext="sse" sse-connect="/ui/fleet/live" sse-swap="fleet">…</div>}</pre>
 *
 * and its SSE route calls {@link #stream}, which renders the fragment, sends it as event {@code
 * fleet} whenever the HTML differs from what the browser last got, and re-renders when {@link
 * #changed} is called for the viewer's tenant (an agent connected, say) or at the latest every
 * {@link #POLL}, which also catches changes made on another hub node. Rendering reads the database,
 * so what the browser shows is always what a reload would show.
 *
 * <p>Thread-safe. {@link #stream} blocks the request's (virtual) thread until the browser goes away
 * or {@link #close} is called; no lock is held while rendering or writing.
 */
public final class LiveUpdates implements AutoCloseable, LiveViews {
    private static final Logger log = LoggerFactory.getLogger(LiveUpdates.class);

    /** The longest a change made elsewhere (another node, a job's progress) takes to show. */
    public static final Duration POLL = Duration.ofSeconds(1);

    /** A comment is sent when nothing changed for this long, so proxies keep the stream open. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    private final ConcurrentHashMap<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition change = lock.newCondition();
    private final Duration poll;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    public LiveUpdates() {
        this(POLL);
    }

    LiveUpdates(Duration poll) {
        this.poll = poll;
    }

    /**
     * Also tells {@code listener} of every change (this node's and, through the cluster's {@code live}
     * signal, other nodes'), on the thread that reports it; it must not block.
     */
    public void listen(Consumer<String> listener) {
        listeners.add(listener);
    }

    /** Something the tenant's pages show has changed: re-render their live fragments now. Any thread. */
    @Override
    public void changed(String tenantId) {
        if (tenantId == null) {
            return;
        }
        for (Consumer<String> listener : listeners) {
            listener.accept(tenantId);
        }
        generations.computeIfAbsent(tenantId, t -> new AtomicLong()).incrementAndGet();
        lock.lock();
        try {
            change.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Sends {@code render}'s HTML as SSE event {@code event} now and whenever it changes, until the
     * browser disconnects or the hub stops. A {@link HubException} from {@code render} (the object is
     * gone, the session expired) ends the stream; other failures are logged and retried at the next
     * poll.
     */
    public void stream(SseClient client, String tenantId, String event, Supplier<String> render) {
        String last = null;
        long lastSentAt = System.nanoTime();
        while (!closed && !client.terminated()) {
            long seen = generation(tenantId);
            try {
                String html = render.get();
                if (!html.equals(last)) {
                    client.sendEvent(event, html);
                    last = html;
                    lastSentAt = System.nanoTime();
                } else if (System.nanoTime() - lastSentAt > KEEP_ALIVE.toNanos()) {
                    client.sendComment("keep-alive");
                    lastSentAt = System.nanoTime();
                }
            } catch (HubException e) {
                quietly(() -> client.sendEvent("closed", e.getMessage()));
                break;
            } catch (RuntimeException e) {
                if (client.terminated()) {
                    break; // the browser went away while we wrote: nothing to retry
                }
                log.atWarn().setCause(e).addKeyValue("event", event).log("rendering a live fragment failed; retrying");
            }
            if (!awaitChange(tenantId, seen)) {
                break;
            }
        }
        quietly(client::close);
    }

    /** One server-sent event: its name and data. */
    public record Event(String name, String data) {}

    /**
     * Events computed from what changed since the last call, rather than one fragment: the fleet page
     * sends the rows that changed, not its table. Called on the stream's thread only, so it may keep
     * what it sent last without locking.
     */
    @FunctionalInterface
    public interface Changes {
        /** The events to send now; empty when nothing changed. */
        List<Event> next();
    }

    /**
     * Sends {@code changes}' events now and after every change of the tenant (or {@link #POLL}), until
     * the browser disconnects or the hub stops; failures as in {@link #stream}.
     */
    public void streamChanges(SseClient client, String tenantId, Changes changes) {
        long lastSentAt = System.nanoTime();
        while (!closed && !client.terminated()) {
            long seen = generation(tenantId);
            try {
                List<Event> events = changes.next();
                for (Event e : events) {
                    client.sendEvent(e.name(), e.data());
                }
                if (!events.isEmpty()) {
                    lastSentAt = System.nanoTime();
                } else if (System.nanoTime() - lastSentAt > KEEP_ALIVE.toNanos()) {
                    client.sendComment("keep-alive");
                    lastSentAt = System.nanoTime();
                }
            } catch (HubException e) {
                quietly(() -> client.sendEvent("closed", e.getMessage()));
                break;
            } catch (RuntimeException e) {
                if (client.terminated()) {
                    break;
                }
                log.atWarn().setCause(e).log("computing live changes failed; retrying");
            }
            if (!awaitChange(tenantId, seen)) {
                break;
            }
        }
        quietly(client::close);
    }

    /** Writes to a stream whose browser may have gone (Jetty then recycled the response). */
    private static void quietly(Runnable write) {
        try {
            write.run();
        } catch (RuntimeException e) {
            log.atDebug().addKeyValue("reason", e.toString()).log("live stream already closed");
        }
    }

    /** Ends every stream (the hub is stopping). */
    @Override
    public void close() {
        closed = true;
        lock.lock();
        try {
            change.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private long generation(String tenantId) {
        AtomicLong g = generations.get(tenantId);
        return g == null ? 0 : g.get();
    }

    /** Waits until the tenant's generation moves past {@code seen} or the poll interval ends; false if interrupted. */
    private boolean awaitChange(String tenantId, long seen) {
        long remaining = poll.toNanos();
        lock.lock();
        try {
            while (!closed && generation(tenantId) == seen && remaining > 0) {
                remaining = change.awaitNanos(remaining);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }
}
