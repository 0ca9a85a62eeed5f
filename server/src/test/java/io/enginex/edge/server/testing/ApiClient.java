package io.enginex.edge.server.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A plain HTTP client for the hub's REST API in tests. */
public final class ApiClient {
    private final String baseUrl;
    private final HttpClient http;
    private final ObjectMapper mapper;

    public ApiClient(String baseUrl, HttpClient http, ObjectMapper mapper) {
        this.baseUrl = baseUrl;
        this.http = http;
        this.mapper = mapper;
    }

    /** A response: status, JSON body (empty object when there was none) and headers. */
    public record Response(int status, JsonNode body, String text, HttpHeaders headers) {
        /** The error code of an error body, or null. */
        public String code() {
            JsonNode c = body.path("error").path("code");
            return c.isTextual() ? c.textValue() : null;
        }

        public String message() {
            return body.path("error").path("message").asText();
        }

        public String get(String field) {
            return body.path(field).asText();
        }
    }

    public Response get(String path, String key) {
        return send(request(path, key).GET());
    }

    public Response post(String path, String key, Object body) {
        try {
            return postRaw(path, key, mapper.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    public Response postRaw(String path, String key, String body) {
        return send(request(path, key)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Response delete(String path, String key) {
        return send(request(path, key).DELETE());
    }

    /**
     * Any request: {@code method}, extra {@code headers} (e.g. {@code Cookie}, {@code X-CSRF-Token}),
     * an optional API key, and a JSON body (null for none).
     */
    public Response exchange(
            String method, String path, String key, java.util.Map<String, String> headers, Object body) {
        HttpRequest.Builder b = request(path, key);
        headers.forEach(b::header);
        try {
            if (body == null) {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            } else {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(mapper.writeValueAsString(body)));
            }
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
        return send(b);
    }

    private HttpRequest.Builder request(String path, String key) {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(Duration.ofSeconds(90));
        if (key != null) {
            b.header("Authorization", "Bearer " + key);
        }
        return b;
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> r = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body;
            try {
                body = r.body().isBlank() ? mapper.createObjectNode() : mapper.readTree(r.body());
            } catch (JsonProcessingException e) {
                body = mapper.createObjectNode();
            }
            return new Response(r.statusCode(), body, r.body(), r.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
