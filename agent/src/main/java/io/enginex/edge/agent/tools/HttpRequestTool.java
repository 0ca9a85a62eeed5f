package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.network.HttpResponseHead;
import io.enginex.edge.agent.network.NetworkException;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.agent.network.PinnedHttpClient;
import io.enginex.edge.agent.policy.SecretRules;
import io.enginex.edge.agent.vault.SecretNames;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * {@code http.request}: one HTTP request to a host:port of the policy's network allowlist, checked by
 * {@link NetworkGuard} on the URL and on the resolved addresses. The connection goes to those checked
 * addresses ({@link PinnedHttpClient}: the name is resolved once, so a DNS answer that changes after
 * the check cannot redirect it), while TLS verifies the certificate against the name. Redirects are
 * followed by hand (at most {@link #MAX_REDIRECTS}), each hop checked, resolved and pinned again; the
 * response body is capped.
 *
 * <p>A header value {@code "secret:NAME"} is replaced by the vault secret, if the policy's {@code
 * secrets} grant it to {@code http.request}, just before the first request; it is sent only to that
 * request's origin (a redirect to another host drops it), and the runner redacts it from the result.
 */
public final class HttpRequestTool implements Tool {
    public static final String NAME = "http.request";
    static final int MAX_REDIRECTS = 5;
    private static final Set<String> REFUSED_HEADERS = Set.of(
            "host", "connection", "content-length", "transfer-encoding", "expect", "upgrade", "proxy-authorization");

    private static final ToolDescriptor DESCRIPTOR = new ToolDescriptor(
            NAME,
            "HTTP request to an allowed host",
            "Sends one HTTP(S) request (GET, HEAD, POST, PUT) to a host:port this machine's policy allows, for"
                    + " systems reachable only from this machine (e.g. over its VPN). Redirects are followed only"
                    + " to allowed hosts. Returns status, headers and the body (text or base64), capped.",
            Schemas.parse("""
                    {"type":"object","properties":{
                       "url":{"type":"string","minLength":1,"maxLength":8192},
                       "method":{"enum":["GET","HEAD","POST","PUT"],"default":"GET"},
                       "headers":{"type":"object","additionalProperties":{"type":"string","maxLength":8192}},
                       "body":{"type":"string","maxLength":10000000}},
                     "required":["url"],"additionalProperties":false}
                    """),
            "high",
            Schemas.parse("""
                    {"type":"object","properties":{"status":{"type":"integer"},"url":{"type":"string"},
                     "headers":{"type":"object"},"body":{"type":"string"},"encoding":{"type":"string"},
                     "truncated":{"type":"boolean"}}}
                    """),
            new ToolAnnotations(false, true, false, true));

    private final NetworkGuard guard;
    private final PinnedHttpClient client;
    private final int maxBodyBytes;
    private final SecretRules secrets;

    /** A tool that may use no vault secret. */
    public HttpRequestTool(NetworkGuard guard, PinnedHttpClient client, int maxBodyBytes) {
        this(guard, client, maxBodyBytes, SecretRules.NONE);
    }

    /**
     * @param secrets which vault secrets a header value may name ({@code "secret:NAME"})
     */
    public HttpRequestTool(NetworkGuard guard, PinnedHttpClient client, int maxBodyBytes, SecretRules secrets) {
        this.guard = guard;
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
        this.secrets = secrets;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String url = args.path("url").asText();
        String method = args.path("method").asText("GET");
        Map<String, String> headers = headers(args);
        Set<String> secretHeaders = secretHeaders(headers);
        String origin = null;
        try {
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                NetworkGuard.Allowed allowed = guard.check(url);
                String here = origin(allowed.uri());
                if (origin == null) {
                    origin = here;
                    resolveSecrets(headers, secretHeaders, context);
                } else if (!origin.equals(here)) {
                    // A secret goes only to the origin the job named, never along a redirect elsewhere.
                    secretHeaders.forEach(headers::remove);
                }
                HttpResponseHead.Response response = send(allowed, method, headers, args, context);
                int status = response.status();
                String location = response.firstValue("location").orElse(null);
                if (status >= 300 && status < 400 && location != null) {
                    response.close();
                    url = allowed.uri().resolve(location).toString();
                    if (status != 307 && status != 308) {
                        method = "GET";
                    }
                    continue;
                }
                try (response) {
                    return output(response, url, context);
                }
            }
            throw new ToolException(ErrorCodes.TOOL_FAILED, "more than " + MAX_REDIRECTS + " redirects");
        } catch (NetworkException e) {
            throw new ToolException(e.code(), e.getMessage());
        } catch (SSLException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED,
                    "TLS with " + hostOf(url) + " failed: its certificate is not trusted here or not issued for"
                            + " that name (" + e.getClass().getSimpleName() + ")");
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED, "request failed (" + e.getClass().getSimpleName() + ")");
        } catch (IllegalArgumentException e) {
            throw new ToolException(ErrorCodes.INVALID_ARGUMENTS, e.getMessage());
        }
    }

    private static Map<String, String> headers(JsonNode args) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (var header : args.path("headers").properties()) {
            if (REFUSED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS, "the header " + header.getKey() + " cannot be set");
            }
            headers.put(header.getKey(), header.getValue().asText());
        }
        return headers;
    }

    /** The headers whose value is a {@code secret:NAME} reference. */
    private static Set<String> secretHeaders(Map<String, String> headers) {
        Set<String> names = new java.util.HashSet<>();
        headers.forEach((name, value) -> {
            if (SecretNames.isReference(value)) {
                names.add(name);
            }
        });
        return names;
    }

    private void resolveSecrets(Map<String, String> headers, Set<String> secretHeaders, ToolContext context) {
        for (String name : secretHeaders) {
            headers.put(name, context.secrets().resolve(headers.get(name), NAME, null, secrets));
        }
    }

    private static String origin(URI uri) {
        return uri.getScheme().toLowerCase(Locale.ROOT) + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":"
                + uri.getPort();
    }

    private HttpResponseHead.Response send(
            NetworkGuard.Allowed allowed,
            String method,
            Map<String, String> headers,
            JsonNode args,
            ToolContext context)
            throws IOException {
        byte[] body = method.equals("GET") || method.equals("HEAD")
                ? null
                : args.path("body").asText("").getBytes(StandardCharsets.UTF_8);
        return client.send(allowed.uri(), method, headers, body, allowed.addresses(), context.timeLeft());
    }

    private static String hostOf(String url) {
        try {
            return URI.create(url).getHost();
        } catch (IllegalArgumentException e) {
            return "the host";
        }
    }

    private ObjectNode output(HttpResponseHead.Response response, String url, ToolContext context) throws IOException {
        byte[] body;
        boolean truncated;
        try (InputStream in = response.body()) {
            body = in.readNBytes(maxBodyBytes);
            truncated = in.read() >= 0;
        }
        // Text is redacted with the rest of the outcome by the runner; base64 would hide a value from it.
        body = context.secrets().redact(body);
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", response.status());
        out.put("url", url);
        ObjectNode headers = out.putObject("headers");
        response.headers().forEach((k, v) -> headers.put(k, String.join(", ", v)));
        String contentType = response.firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
        boolean text = contentType.startsWith("text/") || contentType.contains("json") || contentType.contains("xml");
        out.put("encoding", text ? "utf-8" : "base64");
        out.put(
                "body",
                text
                        ? new String(body, StandardCharsets.UTF_8)
                        : Base64.getEncoder().encodeToString(body));
        out.put("truncated", truncated);
        return out;
    }
}
