package io.enginex.edge.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Hello;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Ping;
import io.enginex.edge.protocol.Pong;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.ProtocolException;
import io.enginex.edge.protocol.RestartNotice;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.protocol.ToolDescriptor;
import io.enginex.edge.protocol.Welcome;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;

/**
 * One simulated agent speaking the real protocol: registered once with an Ed25519 key, then for each
 * connection an access token bought with a signed assertion, the WebSocket upgrade, {@code hello},
 * {@code welcome}; it answers pings, sends its own every heartbeat interval the hub chose, and
 * answers every {@code dispatch} at once with a successful {@code result} (a no-op tool, {@code
 * sys.ping}; with an {@code ack} first when asked, as the real agent does).
 *
 * <p>Threads: Jetty's client threads deliver frames; heartbeats run on the fleet's scheduler;
 * connection attempts run on virtual threads the {@link Fleet} starts. Sends may come from any of
 * them: Jetty's frame flusher queues them. Public only because Jetty calls the listener methods through
 * method handles.
 *
 * <p>Unlike the real agent it keeps no journal (nothing runs, so at-most-once has nothing to guard)
 * and does not detect a silent hub by its heartbeat (the scenarios stop the hub with SIGTERM, which
 * closes every socket with 1001).
 */
public final class SimulatedAgent implements Session.Listener.AutoDemanding {
    static final String TOOL = "sys.ping";
    private static final ToolDescriptor PING = new ToolDescriptor(
            TOOL,
            "Ping",
            "Answers at once; does nothing.",
            JsonNodeFactory.instance.objectNode().put("type", "object"),
            "low");
    private static final Duration BACKOFF_BASE = Duration.ofSeconds(1);
    private static final Duration BACKOFF_CAP = Duration.ofMinutes(5);

    private final int index;
    private final SourceAddress source;
    private final AgentKey key;
    private final Fleet fleet;
    private final MessageCodec codec;
    private final AtomicLong ids = new AtomicLong();
    private volatile String agentId;
    private volatile Session session;
    private volatile ScheduledFuture<?> heartbeat;
    private volatile long welcomedAtNanos;
    private volatile boolean live;
    private volatile Duration restartWindow;
    private int failures;

    /** Its place in the fleet (sim-INDEX). */
    int index() {
        return index;
    }

    SimulatedAgent(int index, SourceAddress source, AgentKey key, Fleet fleet, MessageCodec codec) {
        this.index = index;
        this.source = source;
        this.key = key;
        this.fleet = fleet;
        this.codec = codec;
    }

    /**
     * {@code POST /agent/register} with {@code token}, waiting out {@code 429} answers; blocking.
     *
     * @throws IllegalStateException if the hub refuses for another reason
     */
    void register(URI hub, String token) throws IOException, InterruptedException {
        String body = "{\"token\":\"" + token + "\",\"publicKey\":\"" + key.publicKeyBase64() + "\",\"hostname\":\"sim-"
                + index + "\",\"os\":\"Linux\",\"arch\":\"amd64\",\"agentVersion\":\"0.1.0-bench\"}";
        while (true) {
            SourceAddress.Answer a = source.post(hub.resolve("/api/v1/agent/register"), body);
            if (a.status() == 201) {
                agentId = a.body().path("agentId").asText();
                return;
            }
            if (a.status() != 429) {
                throw new IllegalStateException("registering sim-" + index + " from " + source.host() + ": HTTP "
                        + a.status() + " " + a.body());
            }
            Thread.sleep(retryAfter(a));
        }
    }

    String agentId() {
        return agentId;
    }

    /** When this agent last got a {@code welcome} ({@link System#nanoTime()}), 0 if never. */
    long welcomedAtNanos() {
        return welcomedAtNanos;
    }

    boolean connected() {
        Session s = session;
        return live && s != null && s.isOpen();
    }

    /**
     * One connection attempt, blocking until the upgrade is done (the {@code welcome} arrives later,
     * on Jetty's thread). Returns false when it failed; the caller decides when to retry.
     */
    boolean connectOnce(URI hub, URI socket) throws InterruptedException {
        try {
            String token = null;
            while (token == null) {
                SourceAddress.Answer a = source.post(
                        hub.resolve("/api/v1/agent/token"),
                        "{\"assertion\":\"" + key.assertion(agentId, Instant.now()) + "\"}");
                if (a.status() == 200) {
                    token = a.body().path("accessToken").asText();
                } else if (a.status() == 429) {
                    fleet.rateLimited();
                    Thread.sleep(retryAfter(a));
                } else {
                    fleet.refused("token: HTTP " + a.status() + " "
                            + a.body().path("error").path("code").asText());
                    return false;
                }
            }
            source.connect(this, socket, token).get(30, TimeUnit.SECONDS);
            return true;
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            fleet.refused("no answer: " + rootCause(e).getClass().getSimpleName());
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            fleet.refused("upgrade: " + e.getCause().getClass().getSimpleName());
            return false;
        } catch (RuntimeException e) {
            // A bug here must show in the report, not vanish in an executor's future.
            fleet.refused(e.toString());
            return false;
        }
    }

    /**
     * How long to wait before the next attempt after {@code failures} in a row: within the hub's
     * restart window while it gave one, else exponential backoff with full jitter (the agent's rule,
     * docs/PROTOCOL.md "Reconnect").
     */
    Duration nextDelay() {
        Duration window = restartWindow;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        if (window != null) {
            Duration bound = window.compareTo(BACKOFF_CAP) < 0 ? window : BACKOFF_CAP;
            return Duration.ofMillis(random.nextLong(bound.toMillis() + 1));
        }
        long cap = Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << Math.min(failures, 20));
        return Duration.ofMillis(random.nextLong(cap + 1));
    }

    void failedAttempt() {
        failures++;
    }

    /** Closes the socket (end of run); the agent does not reconnect. */
    void close() {
        stopHeartbeat();
        Session s = session;
        if (s != null) {
            s.close(1000, "bench done", Callback.NOOP);
        }
    }

    @Override
    public void onWebSocketOpen(Session s) {
        session = s;
        send(new Hello(
                nextId(),
                Protocol.VERSION,
                "0.1.0-bench",
                "Linux",
                "amd64",
                "sim-" + index,
                List.of(PING),
                "sha256:bench"));
    }

    @Override
    public void onWebSocketText(String frame) {
        Message message;
        try {
            message = codec.decode(frame);
        } catch (ProtocolException e) {
            fleet.refused("unreadable frame: " + e.code());
            return;
        }
        switch (message) {
            case Welcome w -> welcomed(w);
            case Ping p -> send(new Pong(nextId(), p.id()));
            case Dispatch d -> answer(d);
            default -> {
                // pong, cancel, policy, error: nothing to do for a no-op tool
            }
        }
    }

    private void welcomed(Welcome w) {
        failures = 0;
        restartWindow = null;
        welcomedAtNanos = System.nanoTime();
        live = true;
        long every = w.heartbeatMillis();
        // A random phase per agent, as real agents connect at random moments.
        heartbeat = fleet.scheduler()
                .scheduleAtFixedRate(
                        () -> send(new Ping(nextId())),
                        ThreadLocalRandom.current().nextLong(every),
                        every,
                        TimeUnit.MILLISECONDS);
        fleet.welcomed(this);
    }

    private void answer(Dispatch d) {
        Instant now = Instant.now();
        if (fleet.ack()) {
            send(new Ack(nextId(), d.jobId()));
        }
        JsonNode output = JsonNodeFactory.instance.objectNode().put("pong", true);
        send(new Result(nextId(), d.jobId(), output, null, now, now, false));
        fleet.dispatched();
    }

    @Override
    public void onWebSocketClose(int code, String reason, Callback callback) {
        callback.succeed();
        stopHeartbeat();
        session = null;
        boolean wasLive = live;
        live = false;
        if (code == Protocol.CLOSE_GOING_AWAY) {
            restartWindow = RestartNotice.parse(reason == null ? "" : reason)
                    .map(RestartNotice::reconnectWindow)
                    .orElse(null);
        }
        fleet.disconnected(this, code, wasLive);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        // onWebSocketClose follows when the socket was open; a failed upgrade fails connectOnce instead.
    }

    private void stopHeartbeat() {
        ScheduledFuture<?> h = heartbeat;
        if (h != null) {
            h.cancel(false);
        }
    }

    private void send(Message m) {
        Session s = session;
        if (s != null) {
            s.sendText(codec.encode(m), Callback.NOOP);
        }
    }

    private String nextId() {
        return "a-" + ids.incrementAndGet();
    }

    private static Throwable rootCause(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static Duration retryAfter(SourceAddress.Answer a) {
        try {
            return Duration.ofSeconds(Math.max(1, Long.parseLong(a.retryAfter())));
        } catch (NumberFormatException | NullPointerException e) {
            return Duration.ofSeconds(1);
        }
    }
}
