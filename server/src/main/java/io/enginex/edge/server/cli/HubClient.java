package io.enginex.edge.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.enginex.edge.client.ApiException;
import io.enginex.edge.client.EdgeClient;
import io.enginex.edge.client.EdgeException;
import io.enginex.edge.client.RetryPolicy;
import io.enginex.edge.client.ServerSentEvents;
import io.enginex.edge.client.Transport;
import io.enginex.edge.client.TransportException;
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
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The {@code engine} client commands' view of a hub: the client SDK's {@link EdgeClient} (typed
 * calls, idempotency keys and retries) set up with the CLI's trust options, plus the raw calls the
 * other commands use. Turns every failure into a {@link CliException} that says what to do.
 */
final class HubClient {
    private final URI base;
    private final String keySource;
    private final String pin;
    private final Path caFile;
    private final EdgeClient edge;
    private final String apiKey;
    private final ObjectMapper mapper;
    private HttpClient streams;

    HubClient(URI base, String apiKey, String keySource, String pin, Path caFile, ObjectMapper mapper) {
        this(base, apiKey, keySource, pin, caFile, mapper, Thread::sleep);
    }

    /** With {@code pause} waiting between retries; a test passes one that records instead of sleeping. */
    HubClient(
            URI base,
            String apiKey,
            String keySource,
            String pin,
            Path caFile,
            ObjectMapper mapper,
            Transport.Sleeper pause) {
        this.base = base;
        this.keySource = keySource;
        this.pin = pin;
        this.caFile = caFile;
        this.apiKey = apiKey;
        this.mapper = mapper;
        EdgeClient.Builder builder = EdgeClient.builder(base)
                .apiKey(apiKey)
                .mapper(mapper)
                .sleeper(pause)
                .retryPolicy(RetryPolicy.DEFAULT);
        if ("https".equals(base.getScheme()) && (pin != null || caFile != null)) {
            builder.sslContext(sslContext());
        }
        this.edge = builder.build();
    }

    /** The typed API; its failures are {@link EdgeException}s, which {@link ClientCommand} explains. */
    EdgeClient edge() {
        return edge;
    }

    URI base() {
        return base;
    }

    /** The certificate pin in use, or null. */
    String pin() {
        return pin;
    }

    JsonNode get(String path) {
        return once("GET", path, null);
    }

    JsonNode post(String path, Object body) {
        return once("POST", path, body);
    }

    JsonNode put(String path, Object body) {
        return once("PUT", path, body);
    }

    JsonNode patch(String path, Object body) {
        return once("PATCH", path, body);
    }

    JsonNode delete(String path) {
        return once("DELETE", path, null);
    }

    /**
     * POSTs a create (a job, session, registration token or API key) with a fresh {@code
     * Idempotency-Key}, retried with the same key per {@link RetryPolicy#DEFAULT} (the hub makes the
     * resource once and answers every retry with the first answer, so a retry never runs a job twice).
     */
    JsonNode create(String path, Object body) {
        try {
            return edge.transport().create(path, body, null);
        } catch (EdgeException e) {
            throw explain(e);
        }
    }

    private JsonNode once(String method, String path, Object body) {
        try {
            return edge.transport().send(method, path, body);
        } catch (EdgeException e) {
            throw explain(e);
        }
    }

    /**
     * Reads the {@code text/event-stream} at {@code path} on the calling thread, handing each event
     * to {@code onEvent}, until the hub ends the stream (returns) or the connection fails ({@link
     * CliException} that says what to do, as for any call). A refusal before the stream opens (a
     * wrong key, another tenant) throws at once. Comments ({@code : keep-alive}) are skipped.
     */
    void stream(String path, java.util.function.Consumer<ServerSentEvents.Event> onEvent) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Authorization", "Bearer " + apiKey)
                .header("Accept", "text/event-stream")
                .GET()
                .build();
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = streams().send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw explain(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() >= 400) {
                throw refused(response.statusCode(), String.join("\n", lines.toList()));
            }
            ServerSentEvents events = new ServerSentEvents();
            for (var it = lines.iterator(); it.hasNext(); ) {
                ServerSentEvents.Event event = events.line(it.next());
                if (event != null) {
                    onEvent.accept(event);
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw explain(e.getCause());
        }
    }

    /** The client for {@link #stream}: no request timeout (a stream stays open), the CLI's trust. */
    private synchronized HttpClient streams() {
        if (streams == null) {
            HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10));
            if ("https".equals(base.getScheme()) && (pin != null || caFile != null)) {
                builder.sslContext(sslContext());
            }
            streams = builder.build();
        }
        return streams;
    }

    /** A refusal the hub answered outside the SDK (a stream), as {@link #explain(EdgeException)} words it. */
    private CliException refused(int status, String text) {
        JsonNode body;
        try {
            body = mapper.readTree(text);
        } catch (IOException e) {
            body = mapper.createObjectNode();
        }
        String code = body.path("error").path("code").asText("http_" + status);
        String message = body.path("error").path("message").asText(text);
        return refusal(status, code, message);
    }

    private CliException refusal(int status, String code, String message) {
        if (status == 401) {
            return new CliException("the hub at " + base + " refused the API key from " + keySource + " (" + code
                    + ": " + message + "). Use the platform key in <data-dir>/admin.key (written on the hub's first "
                    + "start), pass --api-key, or set ENGINEX_API_KEY to a key made with `engine api-keys create`.");
        }
        return new CliException("the hub answered " + status + " " + code + ": " + message);
    }

    /** A failure of the SDK as the message a person acts on. */
    CliException explain(EdgeException failure) {
        return switch (failure) {
            case ApiException e -> refusal(e.status(), e.code(), e.hubMessage());
            case TransportException e when e.interrupted() -> new CliException("interrupted");
            case TransportException e -> explain(e.getCause());
        };
    }

    private CliException explain(Throwable e) {
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
