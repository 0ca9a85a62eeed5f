package io.enginex.edge.agent.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * The one HTTP client the agent uses to talk to its hub: JSON POSTs to the hub's API and the
 * WebSocket builder for the connection, all with the same TLS trust and proxy settings.
 *
 * <p>Thread-safe. {@link #close()} stops the underlying client; calls after it fail.
 */
public final class HubClient implements AutoCloseable {
    private final HubEndpoint endpoint;
    private final TrustSettings trust;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration requestTimeout;

    /**
     * @param env environment for {@code HTTPS_PROXY}/{@code NO_PROXY}
     * @param requestTimeout how long to wait for a connection and for each answer
     */
    public HubClient(
            HubEndpoint endpoint,
            TrustSettings trust,
            Map<String, String> env,
            Duration requestTimeout,
            ObjectMapper mapper) {
        this.endpoint = endpoint;
        this.trust = trust;
        this.mapper = mapper;
        this.requestTimeout = requestTimeout;
        EnvProxySelector.allowBasicProxyTunnels(env);
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(EnvProxySelector.fromEnvironment(env, ProxySelector.getDefault()));
        if (endpoint.secure()) {
            builder.sslContext(trust.sslContext());
        }
        ProxyAddress proxy = EnvProxySelector.proxyAddress(env);
        if (proxy != null && proxy.user() != null) {
            builder.authenticator(new ProxyAuthenticator(proxy));
        }
        this.http = builder.build();
    }

    public HubEndpoint endpoint() {
        return endpoint;
    }

    public TrustSettings trust() {
        return trust;
    }

    /** The HTTP client with this hub's trust and the proxy settings, for the updater's downloads. */
    public HttpClient http() {
        return http;
    }

    /**
     * POSTs {@code body} as JSON to {@code path} and returns the JSON answer of a 2xx response.
     *
     * @throws HubRefusedException for a non-2xx answer
     * @throws HubUnreachableException when no answer arrives (network, timeout, TLS)
     */
    public JsonNode postJson(String path, Object body) {
        URI uri = endpoint.resolve(path);
        String request = "POST " + path;
        HttpResponse<String> response;
        try {
            byte[] json = mapper.writeValueAsBytes(body);
            response = http.send(
                    HttpRequest.newBuilder(uri)
                            .timeout(requestTimeout)
                            .header("Content-Type", "application/json")
                            .header("Accept", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubUnreachableException(endpoint.toString(), false, e);
        } catch (IOException e) {
            throw unreachable(e);
        }
        if (response.statusCode() / 100 == 2) {
            try {
                return mapper.readTree(response.body());
            } catch (IOException e) {
                throw new HubRefusedException(
                        request, response.statusCode(), "bad_response", "the hub's answer is not JSON", Duration.ZERO);
            }
        }
        throw refused(
                request,
                response.statusCode(),
                response.body(),
                response.headers().firstValue("Retry-After").orElse(null));
    }

    /** A WebSocket builder sharing this client's TLS and proxy settings. */
    public WebSocket.Builder newWebSocketBuilder() {
        return http.newWebSocketBuilder().connectTimeout(requestTimeout);
    }

    /**
     * Turns a failure to connect a WebSocket into the same typed exceptions as {@link #postJson}: an
     * HTTP answer instead of an upgrade (for example 401 for a used access token) becomes a {@link
     * HubRefusedException}.
     */
    public RuntimeException webSocketFailure(String path, Throwable failure) {
        Throwable t = failure;
        while (t != null && !(t instanceof WebSocketHandshakeException) && t.getCause() != t) {
            t = t.getCause();
        }
        if (t instanceof WebSocketHandshakeException handshake) {
            HttpResponse<?> response = handshake.getResponse();
            Object body = response.body();
            return refused(
                    "GET " + path,
                    response.statusCode(),
                    body instanceof String s ? s : "",
                    response.headers().firstValue("Retry-After").orElse(null));
        }
        return unreachable(failure);
    }

    private HubUnreachableException unreachable(Throwable e) {
        return new HubUnreachableException(endpoint.toString(), isTls(e), e);
    }

    private HubRefusedException refused(String request, int status, String body, String retryAfter) {
        String code = "http_" + status;
        String message = "";
        try {
            JsonNode error = body == null || body.isBlank()
                    ? null
                    : mapper.readTree(body).get("error");
            if (error != null && error.path("code").isTextual()) {
                code = error.path("code").textValue();
                message = error.path("message").asText("");
            }
        } catch (IOException | RuntimeException e) {
            // Not the hub's JSON (a proxy's HTML page, say): the status code is all we know.
        }
        return new HubRefusedException(request, status, code, message, parseRetryAfter(retryAfter));
    }

    static Duration parseRetryAfter(String value) {
        if (value == null || !value.strip().matches("\\d{1,6}")) {
            return Duration.ZERO;
        }
        return Duration.ofSeconds(Long.parseLong(value.strip()));
    }

    static boolean isTls(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SSLException || t instanceof CertificateException) {
                return true;
            }
            if (t instanceof HttpTimeoutException) {
                return false;
            }
        }
        return false;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }

    /** Answers only the proxy's challenge, never the hub's. */
    private static final class ProxyAuthenticator extends Authenticator {
        private final ProxyAddress proxy;

        ProxyAuthenticator(ProxyAddress proxy) {
            this.proxy = proxy;
        }

        @Override
        protected PasswordAuthentication getPasswordAuthentication() {
            if (getRequestorType() != RequestorType.PROXY) {
                return null;
            }
            return new PasswordAuthentication(proxy.user(), proxy.password().clone());
        }
    }
}
