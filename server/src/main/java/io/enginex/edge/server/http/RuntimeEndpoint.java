package io.enginex.edge.server.http;

import io.enginex.edge.server.auth.Caller;
import io.enginex.edge.server.connection.JettyChannel;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsCloseContext;
import io.javalin.websocket.WsConfig;
import io.javalin.websocket.WsConnectContext;
import io.javalin.websocket.WsMessageContext;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /api/v1/tenants/{t}/runtime} upgraded to a WebSocket: the runtime's persistent channel
 * ({@link RuntimeChannel}). The upgrade is authorised like a create: an API key or session of the
 * tenant in the path whose role may write; otherwise it is answered 401, 403 or 404 and no socket
 * is opened.
 */
final class RuntimeEndpoint {
    static final String PATH = "/api/v1/tenants/{t}/runtime";

    private static final Logger log = LoggerFactory.getLogger(RuntimeEndpoint.class);
    private static final String CALLER = "enginex.runtime.caller";
    private static final String CLIENT = "enginex.runtime.client";

    private final ApiAccess access;
    private final RuntimeChannel.Services services;
    private final ConcurrentHashMap<String, RuntimeChannel> channels = new ConcurrentHashMap<>();

    RuntimeEndpoint(ApiAccess access, RuntimeChannel.Services services) {
        this.access = access;
        this.services = services;
    }

    void register(RoutesConfig routes) {
        routes.wsBeforeUpgrade(PATH, this::beforeUpgrade);
        routes.ws(PATH, this::configure);
    }

    private void beforeUpgrade(Context ctx) {
        Caller caller = access.forTenant(ctx);
        caller.requireWrite();
        ctx.attribute(CALLER, caller);
        ctx.attribute(CLIENT, ctx.ip());
    }

    private void configure(WsConfig ws) {
        ws.onConnect(this::onConnect);
        ws.onMessage(this::onMessage);
        ws.onClose(this::onClose);
    }

    private void onConnect(WsConnectContext ctx) {
        Caller caller = ctx.attribute(CALLER);
        String tenant = ctx.pathParam("t");
        channels.put(
                ctx.sessionId(),
                new RuntimeChannel(services, caller, tenant, new JettyChannel(ctx.session, ctx.attribute(CLIENT))));
        log.atInfo()
                .addKeyValue("tenant", tenant)
                .addKeyValue("principal", caller.actorId())
                .log("runtime channel opened");
    }

    private void onMessage(WsMessageContext ctx) {
        RuntimeChannel channel = channels.get(ctx.sessionId());
        if (channel != null) {
            channel.onText(ctx.message());
        }
    }

    private void onClose(WsCloseContext ctx) {
        RuntimeChannel channel = channels.remove(ctx.sessionId());
        if (channel != null) {
            channel.closed();
            log.atInfo().addKeyValue("status", ctx.status()).log("runtime channel closed");
        }
    }
}
