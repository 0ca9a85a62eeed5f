package io.enginex.edge.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.events.EventCursor;
import io.enginex.edge.server.events.EventWakeups;
import io.enginex.edge.server.events.JobEvent;
import io.enginex.edge.server.events.JobEvents;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-sent event streams of job events: {@code GET /api/v1/tenants/{t}/events} (the tenant's)
 * and {@code …/sessions/{sid}/events} (one session's). Authorised like the REST API (any role of
 * the tenant, or the platform key); resumable with {@code Last-Event-ID}. The stream opens with a
 * {@code ready} event whose id is the position it starts at, sends each event with the position
 * after it as its id, and a comment every {@link #KEEP_ALIVE} while nothing happens. Before it sends
 * events (and at every keep-alive) the caller's credential is checked again, so a revoked key or an
 * ended login gets an event {@code closed} and the stream ends, with nothing more sent. Each stream
 * holds its request's virtual thread until the client goes away or the hub stops.
 */
final class EventRoutes {
    /** A comment is sent when nothing was sent for this long, so proxies keep the stream open. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

    /** The longest an event written on another node (or missed by a wake-up) takes to be sent. */
    static final Duration POLL = Duration.ofSeconds(1);

    /** At most this many audit links are read per chain and round. */
    static final int BATCH = 500;

    private static final Logger log = LoggerFactory.getLogger(EventRoutes.class);

    private final JobEvents events;
    private final EventWakeups wakeups;
    private final ApiAccess access;
    private final ObjectMapper mapper;

    EventRoutes(JobEvents events, EventWakeups wakeups, ApiAccess access, ObjectMapper mapper) {
        this.events = events;
        this.wakeups = wakeups;
        this.access = access;
        this.mapper = mapper;
    }

    void register(RoutesConfig routes) {
        routes.get("/api/v1/tenants/{t}/events", ctx -> stream(ctx, null));
        routes.get("/api/v1/tenants/{t}/sessions/{sid}/events", ctx -> stream(ctx, ctx.pathParam("sid")));
    }

    private void stream(Context ctx, String sessionId) {
        Caller caller = access.caller(ctx);
        String tenant = ctx.pathParam("t");
        // Refusals (unknown tenant or session, a bad or expired Last-Event-ID) are JSON errors, before the stream.
        EventCursor start = events.open(caller, tenant, sessionId, ctx.header("Last-Event-ID"));
        ctx.header("X-Accel-Buffering", "no"); // nginx: pass each event on at once
        new SseHandler(0, client -> pump(client, tenant, sessionId, start)).handle(ctx);
    }

    /** Whether the stream's caller may still read the tenant; if not, tells the client why. */
    private boolean stillAllowed(SseClient client, String tenant) {
        try {
            access.again(client.ctx(), tenant);
            return true;
        } catch (HubException e) {
            Map<String, Object> closed = new LinkedHashMap<>();
            closed.put("code", e.code());
            closed.put("message", e.getMessage());
            client.sendEvent("closed", json(closed));
            return false;
        }
    }

    private void pump(SseClient client, String tenant, String sessionId, EventCursor start) {
        EventCursor cursor = start;
        Map<String, Object> ready = new LinkedHashMap<>();
        ready.put("tenantId", tenant);
        if (sessionId != null) {
            ready.put("sessionId", sessionId);
        }
        client.sendEvent("ready", json(ready), cursor.encode());
        long lastSent = System.nanoTime();
        while (!wakeups.closed() && !client.terminated()) {
            long seen = wakeups.generation(tenant);
            try {
                JobEvents.Page page = events.read(tenant, cursor, sessionId, BATCH);
                boolean keepAlive = System.nanoTime() - lastSent > KEEP_ALIVE.toNanos();
                if ((!page.events().isEmpty() || keepAlive) && !stillAllowed(client, tenant)) {
                    break;
                }
                for (JobEvent e : page.events()) {
                    client.sendEvent(
                            e.type(), json(JobEvents.payload(e)), e.cursor().encode());
                    lastSent = System.nanoTime();
                }
                cursor = page.cursor();
                if (keepAlive && page.events().isEmpty()) {
                    client.sendComment("keep-alive");
                    lastSent = System.nanoTime();
                }
            } catch (RuntimeException e) {
                if (client.terminated()) {
                    break;
                }
                log.atWarn()
                        .addKeyValue("tenant", tenant)
                        .addKeyValue("reason", e.toString())
                        .log("reading job events for a stream failed; retrying");
            }
            if (!wakeups.await(tenant, seen, POLL)) {
                break;
            }
        }
        try {
            client.close();
        } catch (RuntimeException e) {
            log.atDebug().addKeyValue("reason", e.toString()).log("event stream already closed");
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write an event", e);
        }
    }
}
