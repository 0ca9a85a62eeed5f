package io.enginex.edge.agent.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.Proxy;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * The one HTTP client the agent uses to talk to its hub: JSON POSTs to the hub's API and the
 * WebSocket builder for the connection, all with the same TLS trust and proxy settings.
 *
 * <p>The hub may have several addresses ({@link HubAddresses}). {@link #postJson(String, Object)}
 * tries the {@linkplain #prefer preferred} one first and moves on to the others when one does not
 * answer; the connection loop instead names its {@link HubTarget} on every call. A target that names
 * a resolved address is dialled at that IP with the host name as TLS SNI: the JDK's HTTP client sends
 * the names set in its {@link SSLParameters} when the URI's host is an IP literal, and its trust
 * manager verifies the certificate against the SNI name (a pinned certificate is checked by its
 * fingerprint alone). One HTTP client per such host name is kept for that. The {@code Host} header
 * then carries the IP, which the hub does not read.
 *
 * <p>Thread-safe. {@link #close()} stops the underlying clients; calls after it fail.
 */
public final class HubClient implements AutoCloseable {
    private volatile HubAddresses hubs;
    private final TrustSettings trust;
    private final HttpClient http;
    private final ObjectMapper mapper;
    private final Duration requestTimeout;
    private final Map<String, String> env;
    private final ProxySelector proxies;
    private final Map<String, HttpClient> bySniName = new ConcurrentHashMap<>();
    private volatile HubTarget preferred;

    /**
     * A client of a hub with one address.
     *
     * @param env environment for {@code HTTPS_PROXY}/{@code NO_PROXY}
     * @param requestTimeout how long to wait for a connection and for each answer
     */
    public HubClient(
            HubEndpoint endpoint,
            TrustSettings trust,
            Map<String, String> env,
            Duration requestTimeout,
            ObjectMapper mapper) {
        this(HubAddresses.of(endpoint), trust, env, requestTimeout, mapper);
    }

    /**
     * @param hubs every address of the hub; the first is preferred until {@link #prefer} says otherwise
     * @param env environment for {@code HTTPS_PROXY}/{@code NO_PROXY}
     * @param requestTimeout how long to wait for a connection and for each answer
     */
    public HubClient(
            HubAddresses hubs,
            TrustSettings trust,
            Map<String, String> env,
            Duration requestTimeout,
            ObjectMapper mapper) {
        this.hubs = hubs;
        this.trust = trust;
        this.mapper = mapper;
        this.requestTimeout = requestTimeout;
        this.env = env;
        this.preferred = HubTarget.of(hubs.first());
        EnvProxySelector.allowBasicProxyTunnels(env);
        this.proxies = EnvProxySelector.fromEnvironment(env, ProxySelector.getDefault());
        this.http = newClient(null);
    }

    /**
     * @param sniName null for the client of names; else the host name a client of addresses names in
     *     TLS. Addresses are dialled only when no proxy stands between ({@link #direct}), and the proxy
     *     settings would not recognise the IP as the host they exempt, so that client has no proxy.
     */
    private HttpClient newClient(String sniName) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(requestTimeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .proxy(sniName == null ? proxies : HttpClient.Builder.NO_PROXY);
        if (hubs.secure()) {
            SSLContext context = trust.sslContext();
            builder.sslContext(context);
            if (sniName != null) {
                SSLParameters parameters = context.getDefaultSSLParameters();
                try {
                    parameters.setServerNames(List.of(new SNIHostName(sniName)));
                } catch (IllegalArgumentException e) {
                    // Not a name SNI can carry: the certificate is then checked against the IP, and the
                    // attempt fails as a TLS refusal naming both, rather than the loop failing.
                }
                builder.sslParameters(parameters);
            }
        }
        ProxyAddress proxy = EnvProxySelector.proxyAddress(env);
        if (proxy != null && proxy.user() != null) {
            builder.authenticator(new ProxyAuthenticator(proxy));
        }
        return builder.build();
    }

    /** Every address of the hub, as configured. */
    public HubAddresses hubs() {
        return hubs;
    }

    /**
     * Replaces the hub's addresses ({@code enginex-agent identity hubs --set} while the agent runs):
     * {@link #postJson(String, Object)} falls back on these from now on. The preferred address stays
     * until the connection prefers another.
     *
     * @throws IllegalArgumentException if the new list changes between https:// and http://, which
     *     needs a new registration (the trust settings belong to one scheme)
     */
    public void useHubs(HubAddresses changed) {
        if (changed.secure() != hubs.secure()) {
            throw new IllegalArgumentException("the hub's addresses " + changed + " do not use the scheme of " + hubs
                    + "; a change between https:// and http:// needs a new registration");
        }
        this.hubs = changed;
    }

    /** The preferred address: the one connected to, else the one last tried, else the first. */
    public HubEndpoint endpoint() {
        return preferred.endpoint();
    }

    /** Makes {@code target} the address {@link #postJson(String, Object)} tries first. */
    public void prefer(HubTarget target) {
        this.preferred = target;
    }

    public TrustSettings trust() {
        return trust;
    }

    /**
     * Whether requests to {@code endpoint} go straight to it, with no proxy in between: only then may
     * the agent pick among its host name's addresses (through a proxy, the proxy resolves the name).
     */
    public boolean direct(HubEndpoint endpoint) {
        try {
            return proxies.select(endpoint.base()).stream().allMatch(p -> p.type() == Proxy.Type.DIRECT);
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The HTTP client with this hub's trust and the proxy settings, for the updater's downloads. */
    public HttpClient http() {
        return http;
    }

    /**
     * POSTs {@code body} as JSON to {@code path} on the preferred address and, when it does not answer,
     * on each other address in turn; returns the JSON answer of a 2xx response, and prefers the address
     * that gave it from then on. A refusal is final: it is not tried elsewhere.
     *
     * @throws HubRefusedException for a non-2xx answer
     * @throws HubUnreachableException when no address answers (network, timeout, TLS): the last failure,
     *     with the earlier ones suppressed
     */
    public JsonNode postJson(String path, Object body) {
        HubTarget first = preferred;
        List<HubTarget> order = new ArrayList<>();
        order.add(first);
        for (HubEndpoint endpoint : hubs.all()) {
            if (!endpoint.equals(first.endpoint())) {
                order.add(HubTarget.of(endpoint));
            }
        }
        List<HubUnreachableException> failures = new ArrayList<>();
        for (HubTarget target : order) {
            try {
                JsonNode answer = postJson(target, path, body);
                // The next call (a device grant's polls, say) starts where an answer came from.
                preferred = target;
                return answer;
            } catch (HubUnreachableException e) {
                failures.add(e);
            }
        }
        HubUnreachableException last = failures.get(failures.size() - 1);
        failures.subList(0, failures.size() - 1).forEach(last::addSuppressed);
        throw last;
    }

    /**
     * POSTs {@code body} as JSON to {@code path} on {@code target} alone and returns the JSON answer
     * of a 2xx response.
     *
     * @throws HubRefusedException for a non-2xx answer
     * @throws HubUnreachableException when no answer arrives (network, timeout, TLS)
     */
    public JsonNode postJson(HubTarget target, String path, Object body) {
        URI uri = target.resolve(path);
        String request = "POST " + path;
        HttpResponse<String> response;
        try {
            byte[] json = mapper.writeValueAsBytes(body);
            response = client(target)
                    .send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(requestTimeout)
                                    .header("Content-Type", "application/json")
                                    .header("Accept", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HubUnreachableException(target.toString(), false, e);
        } catch (IOException e) {
            throw unreachable(target, e);
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

    /** A WebSocket builder for {@code target}, sharing this client's TLS and proxy settings. */
    public WebSocket.Builder newWebSocketBuilder(HubTarget target) {
        return client(target).newWebSocketBuilder().connectTimeout(requestTimeout);
    }

    private HttpClient client(HubTarget target) {
        if (target.address() == null) {
            return http;
        }
        return bySniName.computeIfAbsent(target.host(), this::newClient);
    }

    /**
     * Turns a failure to connect a WebSocket into the same typed exceptions as {@link #postJson}: an
     * HTTP answer instead of an upgrade (for example 401 for a used access token) becomes a {@link
     * HubRefusedException}.
     */
    public RuntimeException webSocketFailure(HubTarget target, String path, Throwable failure) {
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
        return unreachable(target, failure);
    }

    private static HubUnreachableException unreachable(HubTarget target, Throwable e) {
        return new HubUnreachableException(target.toString(), isTls(e), e);
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
        bySniName.values().forEach(HttpClient::shutdownNow);
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
