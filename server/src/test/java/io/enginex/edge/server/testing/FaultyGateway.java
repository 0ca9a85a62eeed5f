package io.enginex.edge.server.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * An HTTP reverse proxy on a free loopback port in front of a hub, which can lose answers the way a
 * network or a load balancer does: for the next requests whose path ends with a given suffix, it
 * forwards the request to the hub (so the hub does its work) and then {@link Fault#LOSE_ANSWER
 * closes the connection} or {@link Fault#BAD_GATEWAY answers 502} instead of the hub's answer. Every
 * other request passes through. Records each forwarded request and the hub's status. For the client
 * SDK's retry tests; plain HTTP only.
 */
public final class FaultyGateway implements AutoCloseable {
    /** What happens to a request's answer after the hub has handled it. */
    public enum Fault {
        LOSE_ANSWER,
        BAD_GATEWAY
    }

    /** One request the gateway forwarded. */
    public record Forwarded(String method, String path, String idempotencyKey, int hubStatus, Fault fault) {}

    private static final Set<String> REQUEST_HEADERS =
            Set.of("authorization", "content-type", "idempotency-key", "accept", "last-event-id");
    private static final Set<String> ANSWER_HEADERS = Set.of("content-type", "retry-after", "idempotent-replayed");

    private final String hub;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newHttpClient();
    private final Queue<Fault> faults = new ConcurrentLinkedQueue<>();
    private final List<Forwarded> forwarded = new CopyOnWriteArrayList<>();
    private volatile String faultySuffix = "\u0000";

    private FaultyGateway(String hub) throws IOException {
        this.hub = hub;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    public static FaultyGateway in(TestHub hub) {
        try {
            return new FaultyGateway(hub.url());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next requests whose path ends with {@code pathSuffix} meet {@code next}, one fault each, in order. */
    public void failNext(String pathSuffix, Fault... next) {
        faultySuffix = pathSuffix;
        faults.addAll(List.of(next));
    }

    public List<Forwarded> forwarded() {
        return forwarded;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().toString();
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(hub + path))
                    .timeout(Duration.ofSeconds(70))
                    .method(
                            exchange.getRequestMethod(),
                            body.length == 0
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            exchange.getRequestHeaders().forEach((name, values) -> {
                if (REQUEST_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> request.header(name, v));
                }
            });
            HttpResponse<byte[]> answer;
            try {
                answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Fault fault = URI.create(path).getPath().endsWith(faultySuffix) ? faults.poll() : null;
            forwarded.add(new Forwarded(
                    exchange.getRequestMethod(),
                    path,
                    exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                    answer.statusCode(),
                    fault));
            if (fault == Fault.LOSE_ANSWER) {
                return; // closed without a status line: the client sees the connection drop
            }
            if (fault == Fault.BAD_GATEWAY) {
                byte[] page = "<html>502 Bad Gateway</html>".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/html");
                exchange.sendResponseHeaders(502, page.length);
                exchange.getResponseBody().write(page);
                return;
            }
            answer.headers().map().forEach((name, values) -> {
                if (ANSWER_HEADERS.contains(name.toLowerCase(java.util.Locale.ROOT))) {
                    values.forEach(v -> exchange.getResponseHeaders().add(name, v));
                }
            });
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
