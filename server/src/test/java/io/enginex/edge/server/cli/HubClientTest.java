package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.client.RetryPolicy;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@link HubClient#create} through the client SDK: one key per create, the same key on every retry,
 * retries bounded, and the CLI's messages for the SDK's errors. (The SDK's own retry rules are
 * tested in the client module's TransportTest.)
 */
class HubClientTest {
    private final List<String> keys = new CopyOnWriteArrayList<>();
    private final List<Duration> pauses = new ArrayList<>();
    private HttpServer server;

    /** A scripted hub: answer i of the list handles the i-th request (the last one repeats). */
    private HubClient client(List<Consumer<HttpExchange>> answers) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            keys.add(String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")));
            exchange.getRequestBody().readAllBytes();
            answers.get(Math.min(keys.size(), answers.size()) - 1).accept(exchange);
        });
        server.start();
        URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        return new HubClient(base, "exk_test", "test", null, null, TestHub.MAPPER, pauses::add);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static Consumer<HttpExchange> status(int status, String body, Map<String, String> headers) {
        return exchange -> {
            try {
                headers.forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
                byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, bytes.length);
                exchange.getResponseBody().write(bytes);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                exchange.close();
            }
        };
    }

    /** The hub dies mid-request: the connection closes without an answer. */
    static final Consumer<HttpExchange> HANG_UP = HttpExchange::close;

    @Test
    void aCreateIsRetriedWithTheSameKeyAfterA5xxAndALostAnswer() throws IOException {
        HubClient hub = client(List.of(
                status(503, "{\"error\":{\"code\":\"database_unavailable\"}}", Map.of("Retry-After", "2")),
                HANG_UP,
                status(201, "{\"id\":\"ses_1\"}", Map.of())));

        var answer = hub.create("/api/v1/tenants/acme/sessions", Map.of("name", "n"));

        assertThat(answer.path("id").asText()).isEqualTo("ses_1");
        assertThat(keys).hasSize(3).doesNotContain("null");
        assertThat(keys).containsOnly(keys.get(0));
        assertThat(pauses).hasSize(2);
        assertThat(pauses.get(0)).as("the hub's Retry-After").isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void retriesAreBoundedAndTheLastAnswerIsReported() throws IOException {
        HubClient hub = client(
                List.of(status(503, "{\"error\":{\"code\":\"database_unavailable\",\"message\":\"down\"}}", Map.of())));

        assertThatThrownBy(() -> hub.create("/api/v1/tenants/acme/sessions", Map.of()))
                .isInstanceOf(CliException.class)
                .hasMessageContaining("503 database_unavailable");
        assertThat(keys).hasSize(RetryPolicy.DEFAULT.maxAttempts());
        assertThat(pauses)
                .hasSize(RetryPolicy.DEFAULT.maxAttempts() - 1)
                .allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofSeconds(8)));
    }

    @Test
    void aRefusalIsNotRetried() throws IOException {
        HubClient hub =
                client(List.of(status(400, "{\"error\":{\"code\":\"bad_request\",\"message\":\"no\"}}", Map.of())));

        assertThatThrownBy(() -> hub.create("/api/v1/tenants/acme/sessions", Map.of()))
                .hasMessageContaining("400 bad_request");
        assertThat(keys).hasSize(1);
    }

    @Test
    void eachCreateHasItsOwnKey() throws IOException {
        HubClient hub = client(List.of(status(201, "{\"id\":\"x\"}", Map.of())));
        hub.create("/a", Map.of());
        hub.create("/a", Map.of());
        assertThat(keys).hasSize(2).doesNotHaveDuplicates();
    }
}
