package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hostile and mislabelled request bodies: each is refused with a 4xx that names the limit or the fix. */
class RequestBodyIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static String tenant;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        tenant = hub.newTenant();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    record Answer(int status, String contentType, JsonNode body) {
        String code() {
            return body.path("error").path("code").asText();
        }

        String message() {
            return body.path("error").path("message").asText();
        }
    }

    private static Answer post(String contentType, byte[] body) {
        var b = HttpRequest.newBuilder(URI.create(hub.url() + "/api/v1/tenants/" + tenant + "/sessions"))
                .header("Authorization", "Bearer " + hub.platformKey())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = hub.http().send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(
                    r.statusCode(),
                    r.headers().firstValue("Content-Type").orElse(""),
                    TestHub.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Answer postJson(String json) {
        return post("application/json", json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void deeplyNestedJsonIsRefusedNamingTheNestingLimit() {
        var r = postJson("{\"name\":" + "[".repeat(5000) + "]".repeat(5000) + "}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("body_limit_exceeded");
        assertThat(r.message()).contains("nesting depth (limit 64 levels)");
    }

    @Test
    void hugeNumbersAreRefusedNamingTheNumberLimit() {
        var r = postJson("{\"name\":\"n\",\"x\":" + "9".repeat(100_000) + "}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("body_limit_exceeded");
        assertThat(r.message()).contains("number length (limit 64 characters)");
    }

    @Test
    void longStringsAreRefusedNamingTheStringLimit() {
        var r = postJson("{\"name\":\"" + "x".repeat(600 * 1024) + "\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("body_limit_exceeded");
        assertThat(r.message()).contains("string length (limit 524288 characters)");
    }

    @Test
    void longFieldNamesAreRefusedNamingTheNameLimit() {
        var r = postJson("{\"" + "k".repeat(1000) + "\":1}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.message()).contains("field name length (limit 256 characters)");
    }

    @Test
    void oversizedDocumentsAreRefusedNamingTheDocumentLimit() {
        var r = postJson("{\"name\":\"" + "x".repeat(2 << 20) + "\"}");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo("payload_too_large");
        assertThat(r.message()).contains("document size limit of 1048576 bytes");
    }

    @Test
    void aPlainTextBodyIsNotReadAsJson() {
        var r = post("text/plain", "{\"name\":\"s\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(415);
        assertThat(r.code()).isEqualTo("unsupported_media_type");
        assertThat(r.message()).contains("application/json").contains("text/plain");
    }

    @Test
    void aBodyWithoutContentTypeIsRefused() {
        var r = post(null, "{\"name\":\"s\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(415);
        assertThat(r.message()).contains("no Content-Type");
    }

    @Test
    void aNonUtf8CharsetIsRefused() {
        var r = post("application/json; charset=iso-8859-1", "{\"name\":\"s\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(415);
    }

    @Test
    void jsonWithTheUtf8CharsetIsRead() {
        var r = post("Application/JSON; charset=UTF-8", "{\"name\":\"ünïcode\"}".getBytes(StandardCharsets.UTF_8));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.body().path("name").asText()).isEqualTo("ünïcode");
        assertThat(r.contentType().replace(" ", "")).isEqualTo("application/json;charset=utf-8");
    }

    @Test
    void invalidUtf8IsRefusedNotReplaced() {
        byte[] bytes = {'{', '"', 'n', 'a', 'm', 'e', '"', ':', '"', 'a', (byte) 0xC3, (byte) 0x28, '"', '}'};
        var r = post("application/json", bytes);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("invalid_utf8");
        assertThat(r.message()).contains("offset 10");
    }

    @Test
    void trailingGarbageAfterTheObjectIsRefused() {
        var r = postJson("{\"name\":\"s\"} {\"name\":\"t\"}");

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("bad_request");
    }
}
