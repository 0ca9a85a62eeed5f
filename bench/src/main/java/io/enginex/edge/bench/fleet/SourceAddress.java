package io.enginex.edge.bench.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.Scheduler;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.client.ClientUpgradeRequest;
import org.eclipse.jetty.websocket.client.WebSocketClient;

/**
 * One loopback source address (127.0.0.x) the simulated agents behind it connect from: a Jetty HTTP
 * client bound to it for {@code /agent/register} and {@code /agent/token}, and a WebSocket client on
 * top for the upgrade. The hub rate-limits those calls per source address, and one address has about
 * 28,000 ephemeral ports, so a large fleet needs several. Thread-safe; all addresses share one thread
 * pool and scheduler, which the caller owns.
 */
final class SourceAddress implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InetAddress address;
    private final HttpClient http;
    private final WebSocketClient ws;

    private SourceAddress(InetAddress address, HttpClient http, WebSocketClient ws) {
        this.address = address;
        this.http = http;
        this.ws = ws;
    }

    /**
     * Starts the clients of {@code address}.
     *
     * @param tls trusts the hub's certificate (pinned by its fingerprint); the pin replaces host name checks
     */
    static SourceAddress start(InetAddress address, SSLContext tls, QueuedThreadPool pool, Scheduler scheduler) {
        SslContextFactory.Client ssl = new SslContextFactory.Client();
        ssl.setSslContext(tls);
        ssl.setEndpointIdentificationAlgorithm(null);
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ssl);
        connector.setBindAddress(new InetSocketAddress(address, 0));
        connector.setExecutor(pool);
        connector.setScheduler(scheduler);
        HttpClient http = new HttpClient(new HttpClientTransportOverHTTP(connector));
        http.setExecutor(pool);
        http.setScheduler(scheduler);
        http.setMaxConnectionsPerDestination(256);
        http.setMaxRequestsQueuedPerDestination(100_000);
        http.setConnectTimeout(10_000);
        http.setIdleTimeout(60_000);
        WebSocketClient ws = new WebSocketClient(http);
        // Far longer than any heartbeat: the protocol's pings, not Jetty's idle timer, decide liveness.
        ws.setIdleTimeout(Duration.ofMinutes(30));
        ws.setStopTimeout(1_000);
        try {
            http.start();
            ws.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start a client bound to " + address.getHostAddress(), e);
        }
        return new SourceAddress(address, http, ws);
    }

    /** An HTTP answer: its status and JSON body (a missing or unreadable body is JSON null). */
    record Answer(int status, JsonNode body, String retryAfter) {}

    /**
     * POSTs {@code json} to {@code uri} and waits for the answer (on the caller's thread; call from a
     * virtual thread).
     *
     * @throws IOException when the hub does not answer (refused, reset, timed out)
     */
    Answer post(URI uri, String json) throws IOException, InterruptedException {
        try {
            ContentResponse r = http.POST(uri)
                    .body(new StringRequestContent("application/json", json))
                    .timeout(30, TimeUnit.SECONDS)
                    .send();
            String text = r.getContentAsString();
            JsonNode body = text == null || text.isBlank() ? JSON.nullNode() : JSON.readTree(text);
            return new Answer(r.getStatus(), body, r.getHeaders().get("Retry-After"));
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException(
                    "POST " + uri.getPath() + " from " + address.getHostAddress() + ": " + e.getMessage(), e);
        }
    }

    /** Starts the WebSocket upgrade with {@code Authorization: Bearer accessToken}. */
    CompletableFuture<Session> connect(Session.Listener endpoint, URI uri, String accessToken) {
        ClientUpgradeRequest request = new ClientUpgradeRequest(uri);
        request.setHeader("Authorization", "Bearer " + accessToken);
        try {
            return ws.connect(endpoint, request);
        } catch (IOException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    String host() {
        return address.getHostAddress();
    }

    @Override
    public void close() {
        try {
            ws.stop();
            http.stop();
        } catch (Exception e) {
            // Closing at the end of a run: nothing left to do with the error.
        }
    }
}
