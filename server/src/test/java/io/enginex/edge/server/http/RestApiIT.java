package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator REST API: authentication, roles, tenant isolation and the error shape. */
class RestApiIT {
    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void requestsWithoutOrWithAWrongKeyAreUnauthenticated() {
        var none = hub.api().get("/api/v1/tenants", null);
        var wrong = hub.api().get("/api/v1/tenants", "exk_wrong");
        var notAKey = hub.api().get("/api/v1/tenants", "exr_token");

        for (var r : List.of(none, wrong, notAKey)) {
            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("unauthenticated");
            assertThat(r.message()).isNotBlank();
        }
        assertThat(none.text()).startsWith("{\"error\":{\"code\":\"unauthenticated\",\"message\":");
    }

    @Test
    void platformKeyCreatesAndListsTenants() {
        String id = TestHub.randomId("acme");
        var created = hub.api().post("/api/v1/tenants", hub.platformKey(), Map.of("id", id, "name", "Acme Corp"));
        var again = hub.api().post("/api/v1/tenants", hub.platformKey(), Map.of("id", id));
        var badId = hub.api().post("/api/v1/tenants", hub.platformKey(), Map.of("id", "Acme!"));
        var list = hub.api().get("/api/v1/tenants", hub.platformKey());

        assertThat(created.status()).isEqualTo(201);
        assertThat(created.get("name")).isEqualTo("Acme Corp");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.code()).isEqualTo("tenant_exists");
        assertThat(badId.status()).isEqualTo(400);
        assertThat(badId.message()).contains("id must be");
        assertThat(list.body().findValuesAsText("id")).contains(id);
    }

    @Test
    void tenantKeySeesOnlyItsTenantAndCannotCreateTenants() {
        String a = hub.newTenant();
        String b = hub.newTenant();
        String keyA = hub.tenantKey(a, "admin");

        var tenants = hub.api().get("/api/v1/tenants", keyA);
        var other = hub.api().get("/api/v1/tenants/" + b + "/agents", keyA);
        var missing = hub.api().get("/api/v1/tenants/no-such-tenant/agents", keyA);
        var platformMissing = hub.api().get("/api/v1/tenants/no-such-tenant/agents", hub.platformKey());
        var create = hub.api().post("/api/v1/tenants", keyA, Map.of("id", TestHub.randomId("x")));

        assertThat(tenants.body().findValuesAsText("id")).containsExactly(a);
        assertThat(other.status()).isEqualTo(404);
        assertThat(other.code()).isEqualTo("tenant_not_found");
        assertThat(missing.text()).isEqualTo(other.text().replace(b, "no-such-tenant"));
        assertThat(platformMissing.code()).isEqualTo("tenant_not_found");
        assertThat(create.status()).isEqualTo(403);
    }

    @Test
    void viewerMayOnlyRead() {
        String t = hub.newTenant();
        String viewer = hub.tenantKey(t, "viewer");

        var read = hub.api().get("/api/v1/tenants/" + t + "/agents", viewer);
        var write = hub.api().post("/api/v1/tenants/" + t + "/registration-tokens", viewer, Map.of());
        var operatorMakesKey = hub.api()
                .post("/api/v1/tenants/" + t + "/api-keys", hub.tenantKey(t, "operator"), Map.of("role", "admin"));

        assertThat(read.status()).isEqualTo(200);
        assertThat(write.status()).isEqualTo(403);
        assertThat(write.code()).isEqualTo("forbidden");
        assertThat(operatorMakesKey.status()).isEqualTo(403);
    }

    @Test
    void apiKeysAreShownOnceAndWork() {
        String t = hub.newTenant();
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + t + "/api-keys",
                        hub.platformKey(),
                        Map.of("role", "operator", "label", "runtime"));
        var badRole = hub.api()
                .post("/api/v1/tenants/" + t + "/api-keys", hub.platformKey(), Map.of("role", "platform-admin"));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.get("key")).startsWith("exk_");
        assertThat(r.get("role")).isEqualTo("operator");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + t + "/sessions", r.get("key"))
                        .status())
                .isEqualTo(200);
        assertThat(badRole.status()).isEqualTo(400);
    }

    @Test
    void malformedBodiesSayWhatIsWrong() {
        String t = hub.newTenant();
        var notJson = hub.api().postRaw("/api/v1/tenants/" + t + "/sessions", hub.platformKey(), "{\"name\": ");
        var notObject = hub.api().postRaw("/api/v1/tenants/" + t + "/sessions", hub.platformKey(), "[1]");
        var wrongField = hub.api().postRaw("/api/v1/tenants/" + t + "/sessions", hub.platformKey(), "{\"name\": 7}");

        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.code()).isEqualTo("bad_request");
        assertThat(notJson.message()).contains("not valid JSON");
        assertThat(notObject.message()).contains("JSON object");
        assertThat(wrongField.message()).contains("name must be a string");
    }

    @Test
    void oversizedBodiesAreRefused() {
        String t = hub.newTenant();
        var r = hub.api()
                .postRaw(
                        "/api/v1/tenants/" + t + "/sessions",
                        hub.platformKey(),
                        "{\"name\":\"" + "x".repeat(2 << 20) + "\"}");

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.code()).isEqualTo("payload_too_large");
    }

    @Test
    void unknownRoutesAnswerJson404() {
        var r = hub.api().get("/api/v1/nothing-here", hub.platformKey());

        assertThat(r.status()).isEqualTo(404);
        assertThat(r.code()).isEqualTo("not_found");
        assertThat(r.message()).contains("/api/v1/nothing-here");
    }

    @Test
    void healthAndMetricsAreServed() {
        var health = hub.api().get("/healthz", null);
        var metrics = hub.api().get("/metrics", null);

        assertThat(health.status()).isEqualTo(200);
        assertThat(health.get("status")).isEqualTo("ok");
        assertThat(health.get("node")).isEqualTo("test-hub");
        assertThat(health.get("version")).isNotBlank();
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.text())
                .contains("enginex_agents_connected")
                .contains("enginex_jobs_submitted_total")
                .contains("enginex_jobs_dispatched_total")
                .contains("enginex_jobs_completed_total{outcome=\"succeeded\"}")
                .contains("enginex_jobs_latency_seconds");
    }

    @Test
    void registrationIsRateLimitedPerAddress(@TempDir Path other) {
        try (TestHub limited = TestHub.start(other, b -> b.rateLimits(2, 2), java.time.Clock.systemUTC())) {
            Map<String, Object> body = Map.of("token", "exr_x", "publicKey", "x", "hostname", "h");
            limited.api().post("/api/v1/agent/register", null, body);
            limited.api().post("/api/v1/agent/register", null, body);
            var third = limited.api().post("/api/v1/agent/register", null, body);

            assertThat(third.status()).isEqualTo(429);
            assertThat(third.code()).isEqualTo("rate_limited");
            assertThat(third.headers().firstValue("Retry-After"))
                    .hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isBetween(1, 60));
        }
    }
}
