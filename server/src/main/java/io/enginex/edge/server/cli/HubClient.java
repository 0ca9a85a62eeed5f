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

    HubClient(URI base, String apiKey, String keySource, String pin, Path caFile, ObjectMapper mapper) {
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

    JsonNode delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), path);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private JsonNode send(HttpRequest.Builder request, String path) {
        request.header("Authorization", "Bearer " + apiKey)
                .header("Accept", "application/json")
                .timeout(Duration.ofSeconds(30));
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw explain(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted");
        }
        JsonNode body = parse(response.body());
        int status = response.statusCode();
        if (status < 400) {
            return body;
        }
        String code = body.path("error").path("code").asText("http_" + status);
        String message = body.path("error").path("message").asText(response.body());
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
        return new CliException("cannot talk to the hub at " + base + ": " + e);
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
