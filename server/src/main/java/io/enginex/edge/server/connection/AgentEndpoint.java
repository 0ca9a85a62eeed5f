package io.enginex.edge.server.connection;

import io.enginex.edge.protocol.MessageCodec;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.auth.ApiKeys;
import io.enginex.edge.server.ops.RepeatedLog;
import io.enginex.edge.server.registration.AccessTokens;
import io.enginex.edge.server.store.AgentStore;
import io.enginex.edge.server.store.CredentialStore.AccessGrant;
import io.javalin.http.Context;
import io.javalin.websocket.WsBinaryMessageContext;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsErrorContext;
import io.javalin.websocket.WsMessageContext;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent WebSocket at {@link Protocol#WEBSOCKET_PATH}: authenticates the upgrade with a one-time
 * access token (refusing with HTTP 401 before upgrading), then hands frames to the {@link
 * FrameRouter} and keeps the {@link ConnectionRegistry} in step with open sockets.
 */
public final class AgentEndpoint {
    private static final Logger log = LoggerFactory.getLogger(AgentEndpoint.class);
    private static final String GRANT = "enginex.accessGrant";

    private final AccessTokens accessTokens;
    private final AgentStore agents;
    private final ConnectionRegistry registry;
    private final FrameRouter router;
    private final ConnectionHistory history;
    private final MessageCodec codec;
    private final Clock clock;
    // Every socket until Jetty reports it closed, even one the registry already dropped (heartbeat,
    // revocation, replacement), so its close is still logged and the agent's last-seen time kept.
    private final ConcurrentHashMap<String, AgentConnection> open = new ConcurrentHashMap<>();
    private final RepeatedLog repeats;

    public AgentEndpoint(
            AccessTokens accessTokens,
            AgentStore agents,
            ConnectionRegistry registry,
            FrameRouter router,
            ConnectionHistory history,
            MessageCodec codec,
            Clock clock) {
        this.history = history;
        this.accessTokens = accessTokens;
        this.agents = agents;
        this.registry = registry;
        this.router = router;
        this.codec = codec;
        this.clock = clock;
        this.repeats = new RepeatedLog(clock, Duration.ofSeconds(60));
    }

    /**
     * Runs before the upgrade: spends the access token. Throws (mapped to 401 by the HTTP layer) when
     * the token is missing, unknown, used or expired, so no socket is opened for it.
     */
    public void beforeUpgrade(Context ctx) {
        AccessGrant grant = accessTokens.consume(ApiKeys.bearer(ctx.header("Authorization")));
        ctx.attribute(GRANT, grant);
    }

    /** Wires the socket callbacks. */
    public void configure(WsConfig ws) {
        ws.onConnect(this::onConnect);
        ws.onMessage(this::onMessage);
        ws.onBinaryMessage(this::onBinaryMessage);
        ws.onClose(this::onClose);
        ws.onError(this::onError);
    }

    private void onConnect(WsConnectContext ctx) {
        AccessGrant grant = ctx.attribute(GRANT);
        if (grant == null) {
            ctx.closeSession(Protocol.CLOSE_REVOKED, "not authenticated");
            return;
        }
        AgentConnection connection = new AgentConnection(
                ctx.sessionId(), grant.tenantId(), grant.agentId(), new JettyChannel(ctx.session), codec, clock);
        open.put(ctx.sessionId(), connection);
        registry.opened(connection);
        log.atInfo()
                .addKeyValue("agentId", grant.agentId())
                .addKeyValue("tenant", grant.tenantId())
                .addKeyValue("remote", connection.remoteAddress())
                .log("agent socket opened");
    }

    private void onMessage(WsMessageContext ctx) {
        AgentConnection connection = registry.socket(ctx.sessionId());
        if (connection == null) {
            // Dropped by heartbeat, revocation or replacement while a frame was in flight.
            return;
        }
        router.onFrame(connection, ctx.message());
    }

    private void onBinaryMessage(WsBinaryMessageContext ctx) {
        AgentConnection connection = registry.socket(ctx.sessionId());
        if (connection != null) {
            router.onBinaryFrame(connection);
        }
    }

    private void onClose(WsCloseContext ctx) {
        AgentConnection connection = open.remove(ctx.sessionId());
        if (connection == null) {
            return;
        }
        registry.closed(connection);
        if (connection.ready()) {
            recordLastSeen(connection);
        }
        history.disconnected(connection, ctx.status(), ctx.reason());
        log.atInfo()
                .addKeyValue("agentId", connection.agentId())
                .addKeyValue("status", ctx.status())
                .addKeyValue("reason", ctx.reason())
                .log("agent socket closed");
    }

    /**
     * Writes when the agent was last seen. A database that is down (an outage, or the pool already
     * closed while the hub stops) must not keep the socket's history and close line from being
     * recorded: the failure is logged, once a minute with a count, and the close goes on.
     */
    private void recordLastSeen(AgentConnection connection) {
        try {
            agents.touch(connection.tenantId(), connection.agentId(), clock.instant());
        } catch (RuntimeException e) {
            repeats.admit("touch " + e.getClass().getName())
                    .ifPresent(silenced -> log.atWarn()
                            .addKeyValue("agentId", connection.agentId())
                            .addKeyValue("reason", e.toString())
                            .log(repeats.describe(
                                    "cannot record when a disconnected agent was last seen; the fleet page shows"
                                            + " its previous time",
                                    silenced)));
        }
    }

    private void onError(WsErrorContext ctx) {
        AgentConnection connection = open.get(ctx.sessionId());
        log.atDebug()
                .addKeyValue("agentId", connection == null ? "" : connection.agentId())
                .setCause(ctx.error())
                .log("agent socket error");
    }
}
