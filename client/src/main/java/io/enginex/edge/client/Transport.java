package io.enginex.edge.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Clock;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's REST API as JSON in and out: one place that adds the API key, sends, retries per the
 * {@link RetryPolicy} and turns an error answer into an {@link ApiException}. {@link EdgeClient}'s
 * typed calls are built on it; use it directly for a route they do not cover. Thread-safe; every
 * call blocks its thread (virtual threads welcome) and waits between retries on it.
 */
public final class Transport {
    private static final Logger log = LoggerFactory.getLogger(Transport.class);

    /** What a longest idempotency key may be (docs/API.md). */
    static final int MAX_KEY_LENGTH = 255;

    private final URI base;
    private final String apiKey;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final RetryPolicy policy;
    private final Sleeper sleeper;
    private final Duration requestTimeout;
    private final Clock clock;

    /** Waits between attempts; tests pass one that records instead of sleeping. */
    @FunctionalInterface
    public interface Sleeper {
        void sleep(Duration duration) throws InterruptedException;
    }

    Transport(
            URI base,
            String apiKey,
            HttpClient http,
            ObjectMapper mapper,
            RetryPolicy policy,
            Sleeper sleeper,
            Duration requestTimeout,
            Clock clock) {
        this.base = base;
        this.apiKey = apiKey;
        this.http = http;
        this.mapper = mapper;
        this.policy = policy;
        this.sleeper = sleeper;
        this.requestTimeout = requestTimeout;
        this.clock = clock;
    }

    Transport withPolicy(RetryPolicy next) {
        return new Transport(base, apiKey, http, mapper, next, sleeper, requestTimeout, clock);
    }

    /** The hub's address, without a trailing slash. */
    public URI base() {
        return base;
    }

    public RetryPolicy policy() {
        return policy;
    }

    ObjectMapper mapper() {
        return mapper;
    }

    /**
     * Sends one request once, never retried (a {@code POST} without an idempotency key, a {@code
     * PUT}, {@code PATCH} or {@code DELETE}: repeating one the hub already did may not be harmless).
     *
     * @param body serialised as JSON; null sends none
     * @return the answer's JSON ({@code {}} for an empty answer, {@code {"raw":…}} for text)
     * @throws ApiException when the hub answered 4xx or 5xx
     * @throws TransportException when there was no answer
     */
    public JsonNode send(String method, String path, Object body) {
        return exchange(method, path, json(body), null, false, requestTimeout);
    }

    /** {@code GET path}, retried per the policy (a read is safe to repeat). */
    public JsonNode read(String path) {
        return read(path, requestTimeout);
    }

    /** {@code GET path} with its own timeout per attempt (a long-poll), retried per the policy. */
    public JsonNode read(String path, Duration timeout) {
        return exchange("GET", path, null, null, true, timeout);
    }

    /**
     * {@code POST}s a create with {@code Idempotency-Key: idempotencyKey} (a new random one when null),
     * retried per the policy with the same key, so the hub makes the resource once and answers every
     * retry with its first answer.
     *
     * @throws IllegalArgumentException when the key is not 1–255 printable ASCII characters
     */
    public JsonNode create(String path, Object body, String idempotencyKey) {
        String key = idempotencyKey == null ? newIdempotencyKey() : checkKey(idempotencyKey);
        return exchange("POST", path, json(body), key, true, requestTimeout);
    }

    /** A fresh idempotency key: a random UUID. */
    public static String newIdempotencyKey() {
        return UUID.randomUUID().toString();
    }

    static String checkKey(String key) {
        boolean printable =
                !key.isEmpty() && key.length() <= MAX_KEY_LENGTH && key.chars().allMatch(c -> c >= 0x21 && c <= 0x7e);
        if (!printable) {
            throw new IllegalArgumentException(
                    "an Idempotency-Key must be 1-255 printable ASCII characters without spaces, e.g. a UUID");
        }
        return key;
    }

    private JsonNode exchange(String method, String path, byte[] body, String key, boolean retry, Duration timeout) {
        // The budget counts time spent in requests plus the waits between them (as planned, so a test's
        // recording sleeper sees the same decisions as a real one).
        Duration spent = Duration.ZERO;
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = request(path, timeout)
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofByteArray(body));
            if (body != null) {
                request.header("Content-Type", "application/json");
            }
            if (key != null) {
                request.header("Idempotency-Key", key);
            }
            EdgeException failure;
            Duration wait;
            long sent = System.nanoTime();
            try {
                HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() < 400) {
                    return parse(response.body());
                }
                ApiException refused = refusal(
                        method,
                        path,
                        response.statusCode(),
                        response.body(),
                        response.headers().firstValue("Retry-After").orElse(null));
                if (!retry || !policy.retryable(refused.status(), refused.code())) {
                    throw refused;
                }
                failure = refused;
                wait = refused.retryAfter().isPresent()
                        ? policy.honour(refused.retryAfter().get())
                        : backoff(attempt);
            } catch (IOException e) {
                failure = new TransportException(base, method, path, attempt, e);
                if (!retry || !transientFailure(e)) {
                    throw failure;
                }
                wait = backoff(attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(base, method, path, attempt, e);
            }
            spent = spent.plusNanos(System.nanoTime() - sent).plus(wait);
            if (attempt >= policy.maxAttempts()
                    || (policy.giveUpAfter() != null && spent.compareTo(policy.giveUpAfter()) > 0)) {
                throw failure;
            }
            log.atDebug()
                    .addKeyValue("method", method)
                    .addKeyValue("path", path)
                    .addKeyValue("attempt", attempt)
                    .addKeyValue("waitMs", wait.toMillis())
                    .addKeyValue("reason", failure.getMessage())
                    .log("retrying a call to the hub");
            try {
                sleeper.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TransportException(base, method, path, attempt, e);
            }
        }
    }

    /** Opens {@code GET path} as a stream of lines (server-sent events), once. */
    HttpResponse<Stream<String>> openLines(String path, String lastEventId) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "text/event-stream")
                .timeout(requestTimeout)
                .GET();
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
    }

    /**
     * Opens a WebSocket at {@code path} ({@code ws://} or {@code wss://} per the hub's scheme) with the
     * API key, once.
     */
    CompletableFuture<WebSocket> openWebSocket(String path, WebSocket.Listener listener) {
        URI url = URI.create(base.toString().replaceFirst("^http", "ws") + path);
        return http.newWebSocketBuilder()
                .header("Authorization", "Bearer " + apiKey)
                .connectTimeout(requestTimeout)
                .buildAsync(url, listener);
    }

    Duration backoff(int attempt) {
        return policy.backoff(attempt, ThreadLocalRandom.current());
    }

    Sleeper sleeper() {
        return sleeper;
    }

    private HttpRequest.Builder request(String path, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json")
                .timeout(timeout);
    }

    /** Not reaching the hub, or losing its answer, is worth a retry; a TLS trust failure is not. */
    static boolean transientFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return false;
            }
        }
        return true;
    }

    /** The hub's error answer as an exception. */
    ApiException refusal(String method, String path, int status, String text, String retryAfterHeader) {
        JsonNode body = parse(text);
        String code = body.path("error").path("code").asText("http_" + status);
        String message = body.path("error").path("message").asText(text == null ? "" : text);
        return new ApiException(method, path, status, code, message, retryAfter(retryAfterHeader));
    }

    /** {@code Retry-After} as seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
    Duration retryAfter(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException e) {
            try {
                Duration until =
                        Duration.between(clock.instant(), ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME));
                return until.isNegative() ? Duration.ZERO : until;
            } catch (DateTimeParseException notADate) {
                return null;
            }
        }
    }

    JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode().put("raw", text);
        }
    }

    private byte[] json(Object body) {
        if (body == null) {
            return null;
        }
        try {
            return mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write the request body as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
