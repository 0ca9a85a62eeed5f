package io.enginex.edge.server.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.protocol.PinnedTrustManager;
import io.enginex.edge.server.tls.PemFiles;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code engine} client commands' view of a hub's REST API over {@code java.net.http}. Turns
 * every failure into a {@link CliException} that says what to do.
 */
final class HubClient {
    private final URI base;
    private final String apiKey;
    private final String keySource;
    private final String pin;
    private final Path caFile;
    private final ObjectMapper mapper;
    private final HttpClient http;

    /** How many times {@link #create} sends one request at most. */
    static final int CREATE_ATTEMPTS = 5;

    private static final Duration BACKOFF_BASE = Duration.ofMillis(500);
    private static final Duration BACKOFF_CAP = Duration.ofSeconds(8);

    /** Waits between retries; a test passes one that records instead of sleeping. */
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Pause pause;

    HubClient(URI base, String apiKey, String keySource, String pin, Path caFile, ObjectMapper mapper) {
        this(base, apiKey, keySource, pin, caFile, mapper, d -> Thread.sleep(d));
    }

    HubClient(URI base, String apiKey, String keySource, String pin, Path caFile, ObjectMapper mapper, Pause pause) {
        this.pause = pause;
        this.base = base;
        this.apiKey = apiKey;
        this.keySource = keySource;
        this.pin = pin;
        this.caFile = caFile;
        this.mapper = mapper;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
        if ("https".equals(base.getScheme()) && (pin != null || caFile != null)) {
            builder.sslContext(sslContext());
        }
        this.http = builder.build();
    }

    URI base() {
        return base;
    }

    /** The certificate pin in use, or null. */
    String pin() {
        return pin;
    }

    JsonNode get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), path);
    }

    JsonNode post(String path, Object body) {
        try {
            return send(
                    HttpRequest.newBuilder(uri(path))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))),
                    path);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    JsonNode put(String path, Object body) {
        try {
            return send(
                    HttpRequest.newBuilder(uri(path))
                            .header("Content-Type", "application/json")
                            .PUT(HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))),
                    path);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    JsonNode patch(String path, Object body) {
        try {
            return send(
                    HttpRequest.newBuilder(uri(path))
                            .header("Content-Type", "application/json")
                            .method("PATCH", HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body))),
                    path);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
    }

    /**
     * POSTs a create (a job, session, registration token or API key) with a fresh {@code
     * Idempotency-Key}, and retries it with the same key when the hub cannot be reached, the request
     * times out, or the hub answers 5xx or {@code 409 idempotency_key_in_use}: at most {@value
     * #CREATE_ATTEMPTS} attempts, waiting random(0, min(8 s, 0.5 s·2^n)) between them (or the hub's
     * {@code Retry-After}, up to 8 s). The hub makes the resource once and answers every retry with
     * the first answer, so a retry never runs a job twice.
     */
    JsonNode create(String path, Object body) {
        String key = UUID.randomUUID().toString();
        byte[] json;
        try {
            json = mapper.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the request body", e);
        }
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", key)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(json));
            Duration wait;
            try {
                HttpResponse<String> response = exchange(request);
                if (!retryable(response) || attempt == CREATE_ATTEMPTS) {
                    return answer(response);
                }
                OptionalLong retryAfter = response.headers().firstValueAsLong("Retry-After");
                wait = retryAfter.isPresent()
                        ? Duration.ofSeconds(Math.max(0, Math.min(BACKOFF_CAP.toSeconds(), retryAfter.getAsLong())))
                        : backoff(attempt);
            } catch (IOException e) {
                if (attempt == CREATE_ATTEMPTS || !transientFailure(e)) {
                    throw explain(e);
                }
                wait = backoff(attempt);
            }
            try {
                pause.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException("interrupted");
            }
        }
    }

    private static boolean retryable(HttpResponse<String> response) {
        int status = response.statusCode();
        return status >= 500 || (status == 409 && response.body().contains("\"idempotency_key_in_use\""));
    }

    /** Not reaching the hub, or losing the answer, is worth a retry; a TLS trust failure is not. */
    private static boolean transientFailure(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return false;
            }
        }
        return true;
    }

    /** Full jitter: random(0, min(cap, base·2^(attempt-1))). */
    private static Duration backoff(int attempt) {
        long ceiling = Math.min(BACKOFF_CAP.toMillis(), BACKOFF_BASE.toMillis() << Math.min(attempt - 1, 10));
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(ceiling + 1));
    }

    /** One event of a {@code text/event-stream}: its {@code event:} name, {@code data:} and {@code id:}. */
    record StreamEvent(String event, String data, String id) {}

    /**
     * Reads the {@code text/event-stream} at {@code path} on the calling thread, handing each event
     * to {@code onEvent}, until the hub ends the stream (returns) or the connection fails ({@link
     * CliException} that says what to do, as for any call). A refusal before the stream opens (a
     * wrong key, another tenant) throws at once. Comments ({@code : keep-alive}) are skipped.
     */
    void stream(String path, java.util.function.Consumer<StreamEvent> onEvent) {
        HttpRequest request = HttpRequest.newBuilder(uri(path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw explain(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() >= 400) {
                answer(response.statusCode(), String.join("\n", lines.toList()));
                return;
            }
            String event = "message";
            StringBuilder data = new StringBuilder();
            String id = null;
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        onEvent.accept(new StreamEvent(event, data.toString(), id));
                    }
                    event = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n")
                            .append(line.substring(5).strip());
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw explain(e.getCause());
        }
    }

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), path);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        try {
            return answer(exchange(request));
        } catch (IOException e) {
            throw explain(e);
        }
    }

    private HttpResponse<String> exchange(HttpRequest.Builder request) throws IOException {
        request.header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30));
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
    }

    private JsonNode answer(HttpResponse<String> response) {
        return answer(response.statusCode(), response.body());
    }

    private JsonNode answer(int status, String text) {
        JsonNode body = parse(text);
        if (status < 400) {
            return body;
        }
        String code = body.path("error").path("code").asText("http_" + status);
        String message = body.path("error").path("message").asText(text);
        if (status == 401) {
            throw new CliException("the hub at " + base + " refused the API key from " + keySource + " (" + code
                    + ": " + message + "). Use the platform key in <data-dir>/admin.key (written on the hub's first "
                    + "start), pass --api-key, or set ENGINEX_API_KEY to a key made with `engine api-keys create`.");
        }
        throw new CliException("the hub answered " + status + " " + code + ": " + message);
    }

    private JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            return mapper.createObjectNode();
        }
        try {
            return mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.createObjectNode().put("raw", text);
        }
    }

    private CliException explain(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException) {
                return new CliException("cannot reach the hub at " + base + ": connection refused — is `engine serve` "
                        + "running? Start it, or pass --server with the hub's URL.");
            }
            if (t instanceof HttpConnectTimeoutException) {
                return new CliException("cannot reach the hub at " + base + ": the connection timed out — check the "
                        + "address, firewalls and proxies, or pass --server with the hub's URL.");
            }
            if (t instanceof SSLException) {
                String trust = pin != null
                        ? "the certificate did not match the pin " + pin + " (the hub's certificate changed, or this "
                                + "is not the hub you think); check the fingerprint `engine serve` printed"
                        : caFile != null
                                ? "the certificate is not issued by a CA in " + caFile
                                : "the certificate is not trusted by this system; for a hub with its self-signed "
                                        + "certificate pass --pin sha256:… (printed by `engine serve`, also in "
                                        + "<data-dir>/hub.json) or --ca-file with the issuing CA";
                return new CliException(
                        "TLS handshake with " + base + " failed: " + trust + ". (" + t.getMessage() + ")");
            }
        }
        return new CliException("cannot talk to the hub at " + base + ": " + e + " — is `engine serve` running and "
                + "reachable there? Check the address and any proxy in between, or pass --server with the hub's URL.");
    }

    private SSLContext sslContext() {
        try {
            TrustManager[] managers;
            if (pin != null) {
                managers = new TrustManager[] {new PinnedTrustManager(pin)};
            } else {
                List<X509Certificate> cas = PemFiles.readCertificates(caFile);
                KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
                store.load(null, null);
                for (int i = 0; i < cas.size(); i++) {
                    store.setCertificateEntry("ca-" + i, cas.get(i));
                }
                TrustManagerFactory factory =
                        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                factory.init(store);
                managers = factory.getTrustManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, managers, null);
            return context;
        } catch (IOException | IllegalArgumentException e) {
            throw new CliException("cannot read --ca-file " + caFile + ": " + e.getMessage(), CliException.USAGE);
        } catch (GeneralSecurityException e) {
            throw new CliException("cannot set up TLS: " + e.getMessage());
        }
    }
}
