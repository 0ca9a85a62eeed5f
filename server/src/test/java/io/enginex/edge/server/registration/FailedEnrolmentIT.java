package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.CapturedLog;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A machine that could not enrol shows up where its tenant's admins look: an expired, revoked or
 * used-up token of the tenant and a device request its admin denied are {@code enrolment.failed}
 * events of that tenant (reason, address, hostname) and rows of the fleet page's "Recent failed
 * enrolments" for its admins, never for another tenant; an unknown token is logged hub-wide, at
 * most one line per interval.
 */
class FailedEnrolmentIT {
    @TempDir
    static Path dir;

    static final ShiftableClock clock = new ShiftableClock();
    static TestHub hub;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir, b -> {}, clock);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static Response register(String token, String hostname) {
        return hub.api()
                .post(
                        "/api/v1/agent/register",
                        null,
                        Map.of(
                                "token",
                                token,
                                "publicKey",
                                TestAgent.publicKeyBase64(TestAgent.newKeyPair()),
                                "hostname",
                                hostname,
                                "os",
                                "Linux",
                                "arch",
                                "amd64",
                                "agentVersion",
                                "0.1.0-test"));
    }

    private static List<JsonNode> failedEnrolments(String tenant) {
        var page = hub.api().get("/api/v1/tenants/" + tenant + "/audit?type=enrolment.failed", hub.platformKey());
        assertThat(page.status()).as(page.text()).isEqualTo(200);
        List<JsonNode> events = new ArrayList<>();
        page.body().path("events").forEach(events::add);
        return events;
    }

    private static String adminPassword(String tenant, String email) {
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", "admin", "password", TestHub.USER_PASSWORD));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return TestHub.USER_PASSWORD;
    }

    @Test
    void refusedTokensAndADeniedDeviceAreInTheTenantsAuditAndFleetPageOnly() {
        String tenant = hub.newTenant();
        String other = hub.newTenant();
        String once = hub.newToken(tenant, Map.of("maxUses", 1));
        assertThat(register(once, "laptop-first").status()).isEqualTo(201);
        var used = register(once, "laptop-used");
        var revokedToken =
                hub.api().post("/api/v1/tenants/" + tenant + "/registration-tokens", hub.platformKey(), Map.of());
        hub.api()
                .delete(
                        "/api/v1/tenants/" + tenant + "/registration-tokens/" + revokedToken.get("id"),
                        hub.platformKey());
        var revoked = register(revokedToken.get("token"), "laptop-revoked");
        var device = hub.api()
                .post(
                        "/api/v1/agent/device/authorize",
                        null,
                        Map.of(
                                "publicKey", TestAgent.publicKeyBase64(TestAgent.newKeyPair()),
                                "hostname", "laptop-denied",
                                "os", "Linux",
                                "user", "alice",
                                "agentVersion", "0.1.0-test"));
        String admin = hub.tenantKey(tenant, "admin");
        var deny = hub.api().post("/api/v1/device/" + device.get("user_code") + "/deny", admin, Map.of());

        assertThat(used.code()).isEqualTo("token_used");
        assertThat(revoked.code()).isEqualTo("token_revoked");
        assertThat(deny.status()).as(deny.text()).isEqualTo(200);
        List<JsonNode> events = failedEnrolments(tenant);
        assertThat(events)
                .extracting(e -> e.path("details").path("reason").asText())
                .containsExactly("device_denied", "token_revoked", "token_used");
        assertThat(events)
                .extracting(e -> e.path("details").path("hostname").asText())
                .containsExactly("laptop-denied", "laptop-revoked", "laptop-used");
        assertThat(events).allSatisfy(e -> {
            assertThat(e.path("sourceIp").asText()).isEqualTo("127.0.0.1");
            assertThat(e.path("outcome").asText()).isEqualTo("failure");
        });
        assertThat(failedEnrolments(other)).isEmpty();

        String adminEmail = TestHub.randomId("admin") + "@example.com";
        var browser = new Browser(hub.url()).signIn(adminEmail, adminPassword(tenant, adminEmail));
        String fleet = browser.get("/ui/fleet").body();
        assertThat(fleet)
                .contains("Recent failed enrolments")
                .contains("laptop-used")
                .contains("was used up")
                .contains("laptop-denied")
                .contains("was denied");
        String otherEmail = TestHub.randomId("other") + "@example.com";
        var otherBrowser = new Browser(hub.url()).signIn(otherEmail, adminPassword(other, otherEmail));
        assertThat(otherBrowser.get("/ui/fleet").body())
                .doesNotContain("Recent failed enrolments")
                .doesNotContain("laptop-used")
                .doesNotContain("laptop-denied");
    }

    @Test
    void anExpiredTokenIsAFailedEnrolmentOfItsTenant() {
        String tenant = hub.newTenant();
        String token = hub.newToken(tenant, Map.of("ttlSeconds", 60));
        clock.shift(Duration.ofMinutes(2));

        var expired = register(token, "laptop-late");

        assertThat(expired.code()).isEqualTo("token_expired");
        JsonNode event = failedEnrolments(tenant).getFirst();
        assertThat(event.path("details").path("reason").asText()).isEqualTo("token_expired");
        assertThat(event.path("details").path("hostname").asText()).isEqualTo("laptop-late");
        assertThat(event.path("target").path("type").asText()).isEqualTo("registration_token");
    }

    @Test
    void theFailedEnrolmentsPageNamesTokensByDescriptionAndRecordsARateLimitOncePerAddress() {
        String tenant = hub.newTenant();
        String other = hub.newTenant();
        String late = hub.newToken(tenant, Map.of("ttlSeconds", 60, "description", "Berlin office laptops"));
        String slow = hub.newToken(tenant, Map.of("maxUses", 5, "ratePerMinute", 1, "description", "Kiosk rollout"));
        clock.shift(Duration.ofMinutes(2));

        assertThat(register(late, "laptop-late").code()).isEqualTo("token_expired");
        assertThat(register(slow, "kiosk-1").status()).isEqualTo(201);
        var limited = register(slow, "kiosk-2");
        var again = register(slow, "kiosk-3");

        assertThat(limited.status()).as(limited.text()).isEqualTo(429);
        assertThat(again.status()).isEqualTo(429);
        assertThat(failedEnrolments(tenant))
                .as("one record per token and address a minute, however often it retries")
                .extracting(e -> e.path("details").path("reason").asText() + " "
                        + e.path("details").path("hostname").asText())
                .containsExactly("rate_limited kiosk-2", "token_expired laptop-late");

        String adminEmail = TestHub.randomId("admin") + "@example.com";
        var admin = new Browser(hub.url()).signIn(adminEmail, adminPassword(tenant, adminEmail));
        var page = admin.get("/ui/enrolments/failed");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("<tr data-reason=\"token_expired\">")
                .contains("the registration token had expired")
                .contains("laptop-late")
                .contains("\u201cBerlin office laptops\u201d")
                .contains("<tr data-reason=\"rate_limited\">")
                .contains("too many attempts with the token from this address (rate limited)")
                .contains("\u201cKiosk rollout\u201d")
                .contains("<td>127.0.0.1</td>")
                .doesNotContain(late)
                .doesNotContain(slow)
                .doesNotContain("kiosk-3");
        String operatorEmail = TestHub.randomId("operator") + "@example.com";
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", operatorEmail, "role", "operator", "password", TestHub.USER_PASSWORD));
        assertThat(new Browser(hub.url())
                        .signIn(operatorEmail, TestHub.USER_PASSWORD)
                        .get("/ui/enrolments/failed")
                        .statusCode())
                .isEqualTo(403);
        String otherEmail = TestHub.randomId("other") + "@example.com";
        assertThat(new Browser(hub.url())
                        .signIn(otherEmail, adminPassword(other, otherEmail))
                        .get("/ui/enrolments/failed")
                        .body())
                .contains("id=\"no-failed-enrolments\"")
                .doesNotContain("laptop-late")
                .doesNotContain("Kiosk rollout");
    }

    @Test
    void unknownTokensAreLoggedHubWideAtMostOneLinePerInterval() {
        clock.shift(EnrolmentFailures.LOG_INTERVAL.plusSeconds(1));
        try (CapturedLog log = CapturedLog.text()) {
            for (int i = 0; i < 3; i++) {
                assertThat(register("exr_not-a-real-token-" + i, "guesser-1").code())
                        .isEqualTo("token_unknown");
            }
            clock.shift(EnrolmentFailures.LOG_INTERVAL.plusSeconds(1));
            assertThat(register("exr_not-a-real-token-x", "guesser-2").code()).isEqualTo("token_unknown");

            await().untilAsserted(() ->
                    assertThat(log.linesWith("unknown registration token")).hasSize(2));
            List<String> lines = log.linesWith("unknown registration token");
            assertThat(lines.getFirst()).contains("hostname=\"guesser-1\"").contains("notLogged=\"0\"");
            assertThat(lines.get(1)).contains("hostname=\"guesser-2\"").contains("notLogged=\"2\"");
            assertThat(log.lines()).noneMatch(line -> line.startsWith("FAKE"));
        }
    }
}
