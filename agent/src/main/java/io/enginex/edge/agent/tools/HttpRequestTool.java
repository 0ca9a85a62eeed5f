package io.enginex.edge.agent.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.agent.network.NetworkException;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ToolAnnotations;
import io.enginex.edge.protocol.ToolDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;

/**
 * {@code http.request}: one HTTP request to a host:port of the policy's network allowlist, checked by
 * {@link NetworkGuard} on the URL and on the resolved addresses. Redirects are followed by hand (at
 * most {@link #MAX_REDIRECTS}), each hop checked again; the response body is capped.
 *
 * <p>The connection resolves the name again; the JVM's DNS cache (30 s by default) normally answers it
 * with the addresses just checked. Pinning the checked address for TLS is not done yet.
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
    private final HttpClient client;
    private final int maxBodyBytes;

    /**
     * @param client should not follow redirects ({@code Redirect.NEVER}); this tool does, checked
     */
    public HttpRequestTool(NetworkGuard guard, HttpClient client, int maxBodyBytes) {
        this.guard = guard;
        this.client = client;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public ToolDescriptor descriptor() {
        return DESCRIPTOR;
    }

    @Override
    public JsonNode call(JsonNode args, ToolContext context) {
        String url = args.path("url").asText();
        String method = args.path("method").asText("GET");
        try {
            for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
                NetworkGuard.Allowed allowed = guard.check(url);
                HttpResponse<InputStream> response = send(allowed.uri(), method, args, context);
                int status = response.statusCode();
                String location = response.headers().firstValue("location").orElse(null);
                if (status >= 300 && status < 400 && location != null) {
                    response.body().close();
                    url = allowed.uri().resolve(location).toString();
                    if (status != 307 && status != 308) {
                        method = "GET";
                    }
                    continue;
                }
                return output(response, url);
            }
            throw new ToolException(ErrorCodes.TOOL_FAILED, "more than " + MAX_REDIRECTS + " redirects");
        } catch (NetworkException e) {
            throw new ToolException(e.code(), e.getMessage());
        } catch (IOException e) {
            throw new ToolException(
                    ErrorCodes.TOOL_FAILED, "request failed (" + e.getClass().getSimpleName() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException(ErrorCodes.CANCELLED, "the request was stopped");
        }
    }

    private HttpResponse<InputStream> send(URI uri, String method, JsonNode args, ToolContext context)
            throws IOException, InterruptedException {
        Duration left = Duration.between(context.clock().instant(), context.deadline());
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri).timeout(left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left);
        for (var header : args.path("headers").properties()) {
            if (REFUSED_HEADERS.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS, "the header " + header.getKey() + " cannot be set");
            }
            try {
                request.header(header.getKey(), header.getValue().asText());
            } catch (IllegalArgumentException e) {
                throw new ToolException(
                        ErrorCodes.INVALID_ARGUMENTS, "the header " + header.getKey() + " is not allowed");
            }
        }
        HttpRequest.BodyPublisher body = args.hasNonNull("body") && !method.equals("GET") && !method.equals("HEAD")
                ? HttpRequest.BodyPublishers.ofString(args.get("body").asText())
                : HttpRequest.BodyPublishers.noBody();
        return client.send(request.method(method, body).build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    private ObjectNode output(HttpResponse<InputStream> response, String url) throws IOException {
        byte[] body;
        boolean truncated;
        try (InputStream in = response.body()) {
            body = in.readNBytes(maxBodyBytes);
            truncated = in.read() >= 0;
        }
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        out.put("status", response.statusCode());
        out.put("url", url);
        ObjectNode headers = out.putObject("headers");
        response.headers().map().forEach((k, v) -> headers.put(k, String.join(", ", v)));
        String contentType =
                response.headers().firstValue("content-type").orElse("").toLowerCase(Locale.ROOT);
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
