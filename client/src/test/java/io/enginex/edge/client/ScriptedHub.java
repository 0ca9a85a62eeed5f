package io.enginex.edge.client;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A real HTTP server on a free loopback port that answers from a script: answer i handles the i-th
 * request (the last one repeats). Records each request's method, path and headers. For the unit
 * tests of {@link Transport} and {@link EventSubscription}; a real hub is in the server module's ITs.
 */
final class ScriptedHub implements AutoCloseable {
    /** What one request carried. */
    record Seen(String method, String path, String idempotencyKey, String lastEventId, String authorization) {}

    private final HttpServer server;
    private final List<Seen> seen = new CopyOnWriteArrayList<>();

    ScriptedHub(List<Consumer<HttpExchange>> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            var h = exchange.getRequestHeaders();
            seen.add(new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().toString(),
                    h.getFirst("Idempotency-Key"),
                    h.getFirst("Last-Event-ID"),
                    h.getFirst("Authorization")));
            exchange.getRequestBody().readAllBytes();
            answers.get(Math.min(seen.size(), answers.size()) - 1).accept(exchange);
        });
        server.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    List<Seen> seen() {
        return seen;
    }

    @Override
    public void close() {
        server.stop(0);
    }

    static Consumer<HttpExchange> answer(int status, String body, Map<String, String> headers) {
        return exchange -> {
            try {
                headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                exchange.close();
            }
        };
    }

    static Consumer<HttpExchange> error(int status, String code, Map<String, String> headers) {
        return answer(
                status, "{\"error\":{\"code\":\"" + code + "\",\"message\":\"the hub says " + code + "\"}}", headers);
    }

    /** The hub dies mid-request: the connection closes without an answer. */
    static final Consumer<HttpExchange> HANG_UP = HttpExchange::close;
}
