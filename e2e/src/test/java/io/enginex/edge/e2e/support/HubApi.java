package io.enginex.edge.e2e.support;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** The hub's REST API as the EngineX runtime (or curl) calls it. */
public final class HubApi {
    private final String baseUrl;
    private final String fingerprint;
    private final String apiKey;
    private final HttpClient http;

    public HubApi(String baseUrl, String fingerprint, String apiKey) {
        this.baseUrl = baseUrl;
        this.fingerprint = fingerprint;
        this.apiKey = apiKey;
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
        if (baseUrl.startsWith("https:")) {
            builder.sslContext(PinnedTrust.sslContext(fingerprint));
        }
        this.http = builder.build();
    }

    /** The same hub, called with another API key (or none, when {@code otherKey} is null). */
    public HubApi withKey(String otherKey) {
        return new HubApi(baseUrl, fingerprint, otherKey);
    }

    public record Response(int status, JsonNode body, String text) {
        public JsonNode error() {
            return body.path("error");
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response post(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    /** A POST with an {@code Idempotency-Key} header. */
    public Response post(String path, Object body, String idempotencyKey) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    public Response put(String path, Object body) {
        return send(HttpRequest.newBuilder(uri(path))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(Json.write(body))));
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE());
    }

    /**
     * Logs in as a browser would and returns the session cookie's value ({@code exs_…}); fails the
     * test unless the hub answers 200 with the cookie.
     */
    public String loginCookie(String email, String password) {
        try {
            HttpResponse<String> r = http.send(
                    HttpRequest.newBuilder(uri("/api/v1/login"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(
                                    Json.write(Map.of("email", email, "password", password))))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("login answered " + r.statusCode() + ": " + r.body());
            }
            String cookie = r.headers().firstValue("Set-Cookie").orElseThrow();
            return cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a tenant and returns its id. */
    public String createTenant(String id) {
        return expect(201, post("/api/v1/tenants", Map.of("id", id, "name", id)))
                .body()
                .path("id")
                .asText();
    }

    /** Creates a one-use registration token and returns the secret. */
    public String createRegistrationToken(String tenant) {
        Response r = post("/api/v1/tenants/" + tenant + "/registration-tokens", Map.of("ttlSeconds", 600));
        return expect(201, r).body().path("token").asText();
    }

    public String createSession(String tenant, String name) {
        return expect(201, post("/api/v1/tenants/" + tenant + "/sessions", Map.of("name", name)))
                .body()
                .path("id")
                .asText();
    }

    public Response dispatch(String tenant, String session, String agentId, String tool, Object args) {
        return post(
                "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                Map.of("agentId", agentId, "tool", tool, "args", args, "timeoutSeconds", 60));
    }

    /** Long-polls a job until it is finished (or the hub's wait ends) and returns it. */
    public JsonNode awaitJob(String tenant, String jobId) {
        return expect(200, get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=30"))
                .body();
    }

    public static Response expect(int status, Response r) {
        if (r.status() != status) {
            throw new AssertionError("expected HTTP " + status + " but got " + r.status() + ": " + r.text());
        }
        return r;
    }

    private URI uri(String path) {
        return URI.create(baseUrl + path);
    }

    private Response send(HttpRequest.Builder request) {
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response =
                    http.send(request.timeout(Duration.ofSeconds(70)).build(), HttpResponse.BodyHandlers.ofString());
            String text = response.body();
            JsonNode body = text.isBlank() ? Json.MAPPER.nullNode() : safeParse(text);
            return new Response(response.statusCode(), body, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode safeParse(String text) {
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            return Json.MAPPER.getNodeFactory().textNode(text);
        }
    }
}
