package io.enginex.edge.server.connection;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.FrameLimits;
import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.HubException;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.CredentialStore.AccessGrant;
import io.enginex.edge.server.store.DatabaseFailures;
import io.enginex.edge.server.store.GroupCommit;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.server.JettyWebSocketServerContainer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent WebSocket at {@link Protocol#WEBSOCKET_PATH}: authenticates the upgrade with a one-time
 * access token (refusing with HTTP 401 and the API's JSON error before upgrading), then hands frames
 * to the {@link FrameRouter} and keeps the {@link ConnectionRegistry} in step with open sockets.
 *
 * <p>A servlet of its own beside Javalin's, on Jetty's WebSocket API: once upgraded, a socket keeps
 * only Jetty's WebSocket session and this class's small listener. (Javalin's WebSocket context keeps
 * the whole upgrade request for the socket's life, its servlet request, HTTP/1.1 connection, parser
 * and headers: several kilobytes for every connected agent.) Callbacks run on Jetty's (virtual)
 * threads, one at a time per socket.
 */
public final class AgentEndpoint {
    private static final Logger log = LoggerFactory.getLogger(AgentEndpoint.class);
    // Above the protocol's limit, so a frame a little too large reaches the codec and is answered with
    // frame_too_large instead of Jetty closing the socket.
    private static final long MAX_TEXT_BYTES = 2L * FrameLimits.DEFAULT.maxFrameBytes();
    private static final long MAX_BINARY_BYTES = 64 * 1024;

    private final AccessTokens accessTokens;
    private final AgentStore agents;
    private final GroupCommit writes;
    private final ConnectionRegistry registry;
    private final FrameRouter router;
    private final ConnectionHistory history;
    private final MessageCodec codec;
    private final Clock clock;
    // Every socket until Jetty reports it closed, even one the registry already dropped (heartbeat,
    // revocation, replacement), so its close is still logged and the agent's last-seen time kept.
    private final ConcurrentHashMap<String, AgentConnection> open = new ConcurrentHashMap<>();
    private final RepeatedLog repeats;
    private final AtomicLong sockets = new AtomicLong();
    private final ObjectMapper mapper;
    private volatile Duration idleTimeout = Duration.ofMinutes(2);
    private volatile TrustedProxies proxies = TrustedProxies.DIRECT;

    public AgentEndpoint(
            AccessTokens accessTokens,
            AgentStore agents,
            GroupCommit writes,
            ConnectionRegistry registry,
            FrameRouter router,
            ConnectionHistory history,
            MessageCodec codec,
            Clock clock) {
        this.history = history;
        this.accessTokens = accessTokens;
        this.agents = agents;
        this.writes = writes;
        this.registry = registry;
        this.router = router;
        this.codec = codec;
        this.clock = clock;
        this.repeats = new RepeatedLog(clock, Duration.ofSeconds(60));
        this.mapper = codec.mapper();
    }

    /**
     * Adds the endpoint's servlet to Javalin's context (from {@code JettyConfig.modifyServletContextHandler}).
     *
     * @param idleTimeout Jetty's idle timeout for an agent socket: only a backstop, the hub's heartbeat
     *     decides liveness
     * @param proxies who may name the client in {@code X-Forwarded-For}: the address a socket is recorded
     *     with (connection history, logs, the fleet page) is the client's, as for the REST API
     */
    public void mount(ServletContextHandler context, Duration idleTimeout, TrustedProxies proxies) {
        this.idleTimeout = idleTimeout;
        this.proxies = proxies;
        context.addServlet(new ServletHolder("agent-socket", new Upgrade()), Protocol.WEBSOCKET_PATH);
    }

    /**
     * The upgrade: spends the access token first, and refuses (401, or 503 while the database is
     * unavailable) with no socket opened when the token is missing, unknown, used or expired.
     */
    private final class Upgrade extends HttpServlet {
        private static final long serialVersionUID = 1L;

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) throws IOException {
            res.setHeader("Cache-Control", "no-store");
            res.setHeader("X-Content-Type-Options", "nosniff");
            if (!"websocket".equalsIgnoreCase(req.getHeader("Upgrade"))) {
                write(
                        res,
                        400,
                        "websocket_required",
                        "the agent connection is a WebSocket: send an upgrade request" + " (enginex-agent does)");
                return;
            }
            AccessGrant grant;
            try {
                grant = accessTokens.consume(ApiKeys.bearer(req.getHeader("Authorization")));
            } catch (HubException e) {
                if (e instanceof HubException.Unauthenticated) {
                    res.setHeader("WWW-Authenticate", "Bearer");
                }
                if (e instanceof HubException.RateLimited limited) {
                    res.setHeader("Retry-After", String.valueOf(limited.retryAfterSeconds()));
                }
                write(res, e.httpStatus(), e.code(), e.getMessage());
                return;
            } catch (RuntimeException e) {
                if (!DatabaseFailures.isUnavailable(e)) {
                    throw e;
                }
                res.setHeader("Retry-After", "5");
                write(res, 503, "database_unavailable", "the hub's database is unavailable; retry in a few seconds");
                return;
            }
            JettyWebSocketServerContainer container = JettyWebSocketServerContainer.getContainer(getServletContext());
            String client = proxies.clientAddress(req);
            if (!container.upgrade((upgradeRequest, upgradeResponse) -> new Socket(grant, client), req, res)) {
                write(res, 400, "websocket_required", "not a valid WebSocket upgrade request");
            }
        }

        private void write(HttpServletResponse res, int status, String code, String message) throws IOException {
            res.setStatus(status);
            res.setContentType("application/json; charset=utf-8");
            mapper.writeValue(res.getOutputStream(), Map.of("error", Map.of("code", code, "message", message)));
        }
    }

    /**
     * One agent socket: what Jetty tells it goes to the router, the registry and the history. Public
     * only because Jetty calls its methods through public method handles.
     */
    public final class Socket implements Session.Listener.AutoDemanding {
        private final AccessGrant grant;
        private final String client;
        private final String id = "ws-" + sockets.incrementAndGet();

        Socket(AccessGrant grant, String client) {
            this.grant = grant;
            this.client = client;
        }

        @Override
        public void onWebSocketOpen(Session session) {
            session.setMaxTextMessageSize(MAX_TEXT_BYTES);
            session.setMaxBinaryMessageSize(MAX_BINARY_BYTES);
            session.setIdleTimeout(idleTimeout);
            AgentConnection connection = new AgentConnection(
                    id, grant.tenantId(), grant.agentId(), new JettyChannel(session, client), codec, clock);
            open.put(id, connection);
            registry.opened(connection);
            log.atInfo()
                    .addKeyValue("agentId", grant.agentId())
                    .addKeyValue("tenant", grant.tenantId())
                    .addKeyValue("remote", connection.remoteAddress())
                    .log("agent socket opened");
        }

        @Override
        public void onWebSocketText(String message) {
            AgentConnection connection = registry.socket(id);
            if (connection == null) {
                // Dropped by heartbeat, revocation or replacement while a frame was in flight.
                return;
            }
            router.onFrame(connection, message);
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            callback.succeed();
            AgentConnection connection = registry.socket(id);
            if (connection != null) {
                router.onBinaryFrame(connection);
            }
        }

        @Override
        public void onWebSocketClose(int status, String reason, Callback callback) {
            try {
                closed(id, status, reason);
            } finally {
                callback.succeed();
            }
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            AgentConnection connection = open.get(id);
            log.atDebug()
                    .addKeyValue("agentId", connection == null ? "" : connection.agentId())
                    .setCause(cause)
                    .log("agent socket error");
        }
    }

    private void closed(String id, int status, String reason) {
        AgentConnection connection = open.remove(id);
        if (connection == null) {
            return;
        }
        registry.closed(connection);
        if (connection.ready()) {
            recordLastSeen(connection);
        }
        history.disconnected(connection, status, reason);
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("status", status)
                .addKeyValue("reason", reason)
                .log("agent socket closed");
    }

    /**
     * Hands the write of when the agent was last seen to the group commit (a hub stopping with
     * thousands of sockets shares its commits). A database that is down (an outage, or the hub
     * stopping) must not keep the socket's history and close line from being recorded: the failure is
     * logged, once a minute with a count, and the close goes on.
     */
    private void recordLastSeen(AgentConnection connection) {
        var at = clock.instant();
        writes.submit(() -> {
                    agents.touch(connection.tenantId(), connection.agentId(), at);
                    return null;
                })
                .whenComplete((done, e) -> {
                    if (e != null) {
                        repeats.admit("touch " + e.getClass().getName())
                                .ifPresent(silenced -> log.atWarn()
                                        .addKeyValue("agentId", connection.agentId())
                                        .addKeyValue("reason", e.toString())
                                        .log(repeats.describe(
                                                "cannot record when a disconnected agent was last seen; the fleet"
                                                        + " page shows its previous time",
                                                silenced)));
                    }
                });
    }
}
