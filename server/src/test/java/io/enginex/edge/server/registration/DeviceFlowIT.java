package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** OAuth 2.0 device authorization grant (RFC 8628) for agents, against a real hub. */
class DeviceFlowIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static ShiftableClock clock;

    @BeforeAll
    static void start() {
        clock = new ShiftableClock();
        hub = TestHub.start(dir, b -> {}, clock);
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private Duration shifted = Duration.ZERO;

    /** Moves the hub's clock; {@link #unshift} moves it back, so agents' real-time assertions stay valid. */
    private void shift(Duration by) {
        clock.shift(by);
        shifted = shifted.plus(by);
    }

    @org.junit.jupiter.api.AfterEach
    void unshift() {
        clock.shift(shifted.negated());
        shifted = Duration.ZERO;
    }

    static Response authorize(KeyPair keys) {
        return hub.api()
                .post(
                        "/api/v1/agent/device/authorize",
                        null,
                        Map.of(
                                "publicKey", TestAgent.publicKeyBase64(keys),
                                "hostname", "laptop-17",
                                "os", "Windows 11",
                                "user", "alice",
                                "agentVersion", "0.1.0-test"));
    }

    static Response authorizeFromMachine(KeyPair keys, String machineId) {
        return hub.api()
                .post(
                        "/api/v1/agent/device/authorize",
                        null,
                        Map.of(
                                "publicKey",
                                TestAgent.publicKeyBase64(keys),
                                "hostname",
                                "laptop-17",
                                "user",
                                "alice",
                                "machineId",
                                machineId));
    }

    @Test
    void aDeviceEnrolledAgainFromTheSameMachineReplacesItsEarlierAgent() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String machine = "b".repeat(64);
        String[] agentIds = new String[2];
        for (int i = 0; i < 2; i++) {
            Response started = authorizeFromMachine(TestAgent.newKeyPair(), machine);
            Response approved = hub.api()
                    .post(
                            "/api/v1/device/" + started.get("user_code") + "/approve",
                            admin,
                            Map.of("labels", List.of()));
            assertThat(approved.status()).as(approved.text()).isEqualTo(200);
            shift(Duration.ofSeconds(6));
            agentIds[i] = poll(started.get("device_code")).get("agentId");
        }

        var old = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + agentIds[0], admin);
        var now = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + agentIds[1], admin);
        assertThat(old.body().path("machine").path("replacedBy").asText()).isEqualTo(agentIds[1]);
        assertThat(now.body().path("machine").path("sameMachine").toString()).isEqualTo("[\"" + agentIds[0] + "\"]");
    }

    static Response authorizeInto(String tenant, KeyPair keys) {
        return hub.api()
                .post(
                        "/api/v1/agent/device/authorize",
                        null,
                        Map.of(
                                "publicKey",
                                TestAgent.publicKeyBase64(keys),
                                "hostname",
                                "laptop-of-" + tenant,
                                "user",
                                "alice",
                                "tenant",
                                tenant));
    }

    /** A signed-in dashboard admin of {@code tenant}. */
    static Browser signedInAdmin(String tenant) {
        return hub.signedIn(tenant, "admin");
    }

    @Test
    void aDeviceThatNamesItsTenantWaitsInThatTenantsQueueAndIsInvisibleToOtherTenants() {
        String a = hub.newTenant();
        String b = hub.newTenant();
        String adminA = hub.tenantKey(a, "admin");
        String adminB = hub.tenantKey(b, "admin");
        KeyPair keysA = TestAgent.newKeyPair();
        String codeA = authorizeInto(a, keysA).get("user_code");
        String codeB = authorizeInto(b, TestAgent.newKeyPair()).get("user_code");
        String codeAny = authorize(TestAgent.newKeyPair()).get("user_code");

        Response queueA = hub.api().get("/api/v1/tenants/" + a + "/devices?status=pending", adminA);
        Response queueB = hub.api().get("/api/v1/tenants/" + b + "/devices?status=pending", adminB);
        Response aReadsB = hub.api().get("/api/v1/tenants/" + b + "/devices?status=pending", adminA);
        Response byOperator =
                hub.api().get("/api/v1/tenants/" + a + "/devices?status=pending", hub.tenantKey(a, "operator"));
        Response aShowsB = hub.api().get("/api/v1/device/" + codeB, adminA);
        Response aApprovesB = hub.api().post("/api/v1/device/" + codeB + "/approve", adminA, Map.of());
        Response aDeniesB = hub.api().post("/api/v1/device/" + codeB + "/deny", adminA, Map.of());
        Response bStillSees = hub.api().get("/api/v1/device/" + codeB, adminB);
        String pageA = signedInAdmin(a).get("/ui/device").body();

        assertThat(queueA.status()).as(queueA.text()).isEqualTo(200);
        assertThat(queueA.body().findValuesAsText("userCode")).containsExactly(codeA);
        assertThat(queueA.body().get(0).path("keyFingerprint").asText())
                .isEqualTo(io.enginex.edge.protocol.KeyFingerprint.ofBase64(TestAgent.publicKeyBase64(keysA)));
        assertThat(queueA.body().get(0).path("tenant").asText()).isEqualTo(a);
        assertThat(queueB.body().findValuesAsText("userCode")).containsExactly(codeB);
        assertThat(aReadsB.status()).isIn(403, 404);
        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(aShowsB.status()).isEqualTo(404);
        assertThat(aShowsB.text()).doesNotContain("laptop-of-" + b);
        assertThat(aApprovesB.status()).isEqualTo(404);
        assertThat(aDeniesB.status()).isEqualTo(404);
        assertThat(bStillSees.status())
                .as("B's request is untouched by A's attempts")
                .isEqualTo(200);
        assertThat(pageA).contains(codeA).contains("laptop-of-" + a);
        assertThat(pageA).doesNotContain(codeB).doesNotContain("laptop-of-" + b).doesNotContain(codeAny);
    }

    @Test
    void aDeviceThatNamesATenantTheHubLacksIsToldSo() {
        Response r = authorizeInto("no-such-tenant", TestAgent.newKeyPair());

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("tenant_unknown");
        assertThat(r.message()).contains("no tenant no-such-tenant");
    }

    @Test
    void theVerificationLinkSurvivesSigningInAndLandsOnTheDevicePageWithTheCode() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("admin") + "@example.com";
        String password = TestHub.USER_PASSWORD;
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", "admin", "password", password));
        KeyPair keys = TestAgent.newKeyPair();
        Response started = authorizeInto(tenant, keys);
        String userCode = started.get("user_code");
        String link =
                started.get("verification_uri_complete").substring(hub.url().length());
        var browser = new Browser(hub.url());

        var verification = browser.get(link);
        String devicePage = verification.headers().firstValue("Location").orElseThrow();
        var toSignIn = browser.get(devicePage);
        String signInPage = toSignIn.headers().firstValue("Location").orElseThrow();
        String form = browser.get(signInPage).body();
        Matcher next = Pattern.compile("name=\"next\" value=\"([^\"]*)\"").matcher(form);
        assertThat(next.find()).as(form).isTrue();
        var signedIn = browser.post(
                "/ui/login",
                Map.of("csrf", Browser.csrf(form), "email", email, "password", password, "next", next.group(1)));
        String landing = signedIn.headers().firstValue("Location").orElseThrow();
        var page = browser.get(landing);

        assertThat(link).isEqualTo("/device?user_code=" + userCode);
        assertThat(devicePage).isEqualTo("/ui/device?user_code=" + userCode);
        assertThat(toSignIn.statusCode()).isEqualTo(303);
        assertThat(signInPage).isEqualTo("/ui/login?next=%2Fui%2Fdevice%3Fuser_code%3D" + userCode);
        assertThat(signedIn.statusCode()).isEqualTo(303);
        assertThat(landing).isEqualTo("/ui/device?user_code=" + userCode);
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body())
                .contains("value=\"" + userCode + "\"")
                .contains("laptop-of-" + tenant)
                .contains(io.enginex.edge.protocol.KeyFingerprint.ofBase64(TestAgent.publicKeyBase64(keys)));
    }

    static Response poll(String deviceCode) {
        return hub.api().post("/api/v1/agent/device/token", null, Map.of("device_code", deviceCode));
    }

    @Test
    void approvedDeviceGetsItsAgentOnceAndCanThenConnect() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        KeyPair keys = TestAgent.newKeyPair();
        Response started = authorize(keys);
        String deviceCode = started.get("device_code");
        String userCode = started.get("user_code");

        Response pending = poll(deviceCode);
        Response shown =
                hub.api().get("/api/v1/device/" + userCode.toLowerCase().replace("-", ""), admin);
        clock.shift(Duration.ofSeconds(6));
        Response approved =
                hub.api().post("/api/v1/device/" + userCode + "/approve", admin, Map.of("labels", List.of("finance")));
        Response granted = poll(deviceCode);
        Response again = poll(deviceCode);
        var agent = new TestAgent(granted.get("agentId"), tenant, keys);

        assertThat(started.status()).as(started.text()).isEqualTo(200);
        assertThat(userCode).matches("[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}");
        assertThat(started.get("verification_uri_complete")).endsWith("/device?user_code=" + userCode);
        assertThat(started.body().path("interval").asInt()).isEqualTo(5);
        assertThat(started.body().path("expires_in").asInt()).isEqualTo(600);
        assertThat(pending.status()).isEqualTo(400);
        assertThat(pending.code()).isEqualTo("authorization_pending");
        assertThat(shown.status()).as(shown.text()).isEqualTo(200);
        assertThat(shown.get("hostname")).isEqualTo("laptop-17");
        assertThat(shown.get("os")).isEqualTo("Windows 11");
        assertThat(shown.get("user")).isEqualTo("alice");
        assertThat(shown.get("keyFingerprint"))
                .isEqualTo(io.enginex.edge.protocol.KeyFingerprint.ofBase64(TestAgent.publicKeyBase64(keys)));
        assertThat(shown.text()).doesNotContain(deviceCode);
        assertThat(approved.status()).as(approved.text()).isEqualTo(200);
        assertThat(granted.status()).as(granted.text()).isEqualTo(200);
        assertThat(granted.get("tenant")).isEqualTo(tenant);
        assertThat(granted.body().path("labels").toString()).isEqualTo("[\"finance\"]");
        assertThat(again.code()).isEqualTo("invalid_grant");
        assertThat(hub.accessToken(agent)).startsWith("exa_");
        var audit = hub.api().get("/api/v1/tenants/" + tenant + "/audit?type=device.approved", admin);
        assertThat(audit.body().path("events")).hasSize(1);
    }

    @Test
    void pollingFasterThanTheIntervalIsToldToSlowDown() {
        String deviceCode = authorize(TestAgent.newKeyPair()).get("device_code");

        Response first = poll(deviceCode);
        Response second = poll(deviceCode);
        shift(Duration.ofSeconds(6));
        Response third = poll(deviceCode);
        shift(Duration.ofSeconds(16));
        Response fourth = poll(deviceCode);

        assertThat(first.code()).isEqualTo("authorization_pending");
        assertThat(second.code()).isEqualTo("slow_down");
        assertThat(second.message()).contains("10 s");
        assertThat(third.code()).as("6 s is too soon once the interval is 10 s").isEqualTo("slow_down");
        assertThat(third.message()).contains("15 s");
        assertThat(fourth.code()).isEqualTo("authorization_pending");
    }

    @Test
    void deniedDeviceIsToldAccessDeniedAndExpiredCodesAreExpired() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        Response denied = authorize(TestAgent.newKeyPair());
        Response late = authorize(TestAgent.newKeyPair());

        Response deny = hub.api().post("/api/v1/device/" + denied.get("user_code") + "/deny", admin, Map.of());
        Response afterDeny = poll(denied.get("device_code"));
        shift(Duration.ofMinutes(11));
        Response expired = poll(late.get("device_code"));
        Response lookupExpired = hub.api().get("/api/v1/device/" + late.get("user_code"), admin);

        assertThat(deny.status()).as(deny.text()).isEqualTo(200);
        assertThat(afterDeny.code()).isEqualTo("access_denied");
        assertThat(expired.code()).isEqualTo("expired_token");
        assertThat(lookupExpired.status()).isEqualTo(404);
    }

    @Test
    void onlyAdminsApproveAndOnlyIntoTheirOwnTenant() {
        String a = hub.newTenant();
        String b = hub.newTenant();
        String userCode = authorize(TestAgent.newKeyPair()).get("user_code");

        Response byOperator = hub.api().get("/api/v1/device/" + userCode, hub.tenantKey(a, "operator"));
        Response intoOther = hub.api()
                .post("/api/v1/device/" + userCode + "/approve", hub.tenantKey(a, "admin"), Map.of("tenant", b));
        Response unauthenticated = hub.api().get("/api/v1/device/" + userCode, null);
        Response stillPending = hub.api().get("/api/v1/device/" + userCode, hub.platformKey());

        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(intoOther.status()).isEqualTo(404);
        assertThat(intoOther.code()).isEqualTo("tenant_not_found");
        assertThat(unauthenticated.status()).isEqualTo(401);
        assertThat(stillPending.status()).isEqualTo(200);
    }

    @Test
    void guessingUserCodesIsRateLimited() {
        try (TestHub strict = TestHub.start(dir.resolve("strict"), b -> b.rateLimits(3, 600), clock)) {
            String admin = strict.tenantKey(strict.newTenant(), "admin");
            int limited = 0;
            for (int i = 0; i < 6; i++) {
                if (strict.api()
                                .get("/api/v1/device/BCDF-GHJ" + "KLMNP".charAt(i % 5), admin)
                                .status()
                        == 429) {
                    limited++;
                }
            }
            assertThat(limited).isGreaterThanOrEqualTo(3);
        }
    }
}
