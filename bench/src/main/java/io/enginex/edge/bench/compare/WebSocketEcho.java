package io.enginex.edge.bench.compare;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.WebSocketClient;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;

/**
 * A WebSocket echo on loopback (Jetty server and client, plain {@code ws://}, in this process): each
 * client has one socket and sends a dispatch-sized text frame, then waits for it to come back. The
 * floor for one frame each way, without TLS, JSON or a database.
 */
final class WebSocketEcho {
    private static final String FRAME =
            "{\"type\":\"dispatch\",\"id\":\"h-7\",\"jobId\":\"job_8c1d2e\",\"tool\":\"sys.ping\","
                    + "\"args\":{},\"deadline\":\"2026-11-26T10:15:30Z\",\"attempt\":1}";

    private WebSocketEcho() {}

    /** The server side: sends every text frame back. Public for Jetty's method handles. */
    public static final class Echo implements Session.Listener.AutoDemanding {
        private volatile Session session;

        @Override
        public void onWebSocketOpen(Session s) {
            session = s;
        }

        @Override
        public void onWebSocketText(String text) {
            session.sendText(text, Callback.NOOP);
        }
    }

    /** The client side: hands each echoed frame to the waiting client. Public for Jetty's method handles. */
    public static final class Client implements Session.Listener.AutoDemanding {
        final SynchronousQueue<String> echoes = new SynchronousQueue<>();

        @Override
        public void onWebSocketText(String text) {
            try {
                echoes.put(text);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static RunResult run(int clients, Duration warmup, Duration measured) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(WebSocketUpgradeHandler.from(
                server, container -> container.addMapping("/echo", (rq, rs, cb) -> new Echo())));
        server.start();
        WebSocketClient ws = new WebSocketClient();
        ws.start();
        try {
            URI uri = URI.create("ws://127.0.0.1:" + connector.getLocalPort() + "/echo");
            List<Session> sessions = new ArrayList<>();
            List<Client> listeners = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                Client c = new Client();
                listeners.add(c);
                sessions.add(ws.connect(c, uri).get(10, TimeUnit.SECONDS));
            }
            return ClosedLoop.run("websocket-echo", "", clients, warmup, measured, client -> {
                sessions.get(client).sendText(FRAME, Callback.NOOP);
                if (listeners.get(client).echoes.poll(5, TimeUnit.SECONDS) == null) {
                    throw new IllegalStateException("no echo within 5 s");
                }
            });
        } finally {
            ws.stop();
            server.stop();
        }
    }
}
