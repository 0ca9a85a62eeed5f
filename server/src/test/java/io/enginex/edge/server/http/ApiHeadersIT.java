package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every JSON API answer, success or error, of every route family, carries the security headers. */
class ApiHeadersIT {
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
    void everyRouteFamilyAnswersWithTheSecurityHeaders() {
        String t = hub.newTenant();
        String key = hub.platformKey();
        var agent = hub.register(t);
        String session = hub.newSession(t);
        String base = "/api/v1/tenants/" + t;
        var api = hub.api();
        Map<String, ApiClient.Response> answers = new LinkedHashMap<>();
        answers.put("tenants", api.get("/api/v1/tenants", key));
        answers.put("tenant", api.get(base, key));
        answers.put("agents", api.get(base + "/agents", key));
        answers.put("agent", api.get(base + "/agents/" + agent.agentId(), key));
        answers.put("connections", api.get(base + "/agents/" + agent.agentId() + "/connections", key));
        answers.put("api keys", api.get(base + "/api-keys", key));
        answers.put("registration tokens", api.get(base + "/registration-tokens", key));
        answers.put("policies", api.get(base + "/policies", key));
        answers.put("sessions", api.get(base + "/sessions", key));
        answers.put("session", api.get(base + "/sessions/" + session, key));
        answers.put("users", api.get(base + "/users", key));
        answers.put("audit", api.get(base + "/audit", key));
        answers.put("ops", api.get("/api/v1/ops/metrics", key));
        answers.put("health", api.get("/healthz", null));
        answers.put("agent token (error)", api.post("/api/v1/agent/token", null, Map.of("assertion", "x")));
        answers.put("agent register (error)", api.post("/api/v1/agent/register", null, Map.of("token", "exr_no")));
        answers.put("device flow (error)", api.post("/api/v1/agent/device/token", null, Map.of("device_code", "x")));
        answers.put("device (error)", api.get("/api/v1/device/NOPE-NOPE", key));
        answers.put("me (401)", api.get("/api/v1/me", null));
        answers.put("job (404)", api.get(base + "/jobs/job_nope", key));
        answers.put("unknown route (404)", api.get("/api/v1/nothing-here", key));
        answers.put("unknown path (404)", api.get("/nothing-here", key));
        answers.put("bad body (400)", api.postRaw(base + "/sessions", key, "{"));

        answers.forEach((family, r) -> {
            var h = r.headers();
            assertThat(h.firstValue("X-Content-Type-Options")).as(family).hasValue("nosniff");
            assertThat(h.firstValue("Cache-Control")).as(family).hasValue("no-store");
            assertThat(h.firstValue("Content-Type").map(v -> v.replace(" ", "")))
                    .as(family)
                    .hasValue("application/json;charset=utf-8");
            assertThat(h.firstValue("X-Frame-Options")).as(family).hasValue("DENY");
            assertThat(h.firstValue("Content-Security-Policy"))
                    .as(family)
                    .hasValue("default-src 'none'; frame-ancestors 'none'");
            assertThat(h.firstValue("Referrer-Policy")).as(family).hasValue("no-referrer");
            assertThat(h.firstValue("Strict-Transport-Security"))
                    .as(family + " over plain HTTP")
                    .isEmpty();
        });
        assertThat(answers.get("tenants").status()).isEqualTo(200);
        assertThat(answers.get("agent token (error)").status()).isEqualTo(401);
        assertThat(answers.get("unknown path (404)").status()).isEqualTo(404);
    }
}
