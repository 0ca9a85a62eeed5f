package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Users, browser logins with CSRF, API key listing and revocation, and the audit trail. */
class IdentityIT {
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

    /** A logged-in browser: the cookie header and the CSRF token. */
    record Browser(String cookie, String csrf, Response login) {
        Map<String, String> read() {
            return Map.of("Cookie", cookie);
        }

        Map<String, String> write() {
            return Map.of("Cookie", cookie, "X-CSRF-Token", csrf);
        }
    }

    static String createUser(String tenant, String key, String email, String role) {
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        key,
                        Map.of("email", email, "role", role, "password", TestHub.USER_PASSWORD));
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return TestHub.USER_PASSWORD;
    }

    static Response login(String email, String password) {
        return hub.api().post("/api/v1/login", null, Map.of("email", email, "password", password));
    }

    static Browser browser(String email, String password) {
        Response r = login(email, password);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        String setCookie = r.headers().firstValue("Set-Cookie").orElseThrow();
        return new Browser(setCookie.substring(0, setCookie.indexOf(';')), r.get("csrfToken"), r);
    }

    @Test
    void identifiersWithControlOrBidiCharactersAreRefusedNamingTheField() {
        String tenant = hub.newTenant();
        String key = hub.platformKey();

        Response email = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        key,
                        java.util.Map.of("email", "eve\u202E@example.com", "role", "viewer"));
        Response label = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/api-keys",
                        key,
                        java.util.Map.of("role", "viewer", "label", "ci\nFAKE"));
        Response description = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/registration-tokens",
                        key,
                        java.util.Map.of("description", "rollout\u001b[2J"));
        Response device = hub.api()
                .post(
                        "/api/v1/agent/device/authorize",
                        null,
                        java.util.Map.of(
                                "publicKey",
                                io.enginex.edge.server.testing.TestAgent.publicKeyBase64(
                                        io.enginex.edge.server.testing.TestAgent.newKeyPair()),
                                "hostname",
                                "laptop\r\nFAKE"));

        for (Response r : java.util.List.of(email, label, description, device)) {
            assertThat(r.status()).as(r.text()).isEqualTo(400);
            assertThat(r.code()).isEqualTo("unprintable_field");
        }
        assertThat(email.message())
                .startsWith("email must not contain control characters")
                .contains("U+202E");
        assertThat(label.message()).startsWith("label ").contains("U+000A");
        assertThat(description.message()).startsWith("description ").contains("U+001B");
        assertThat(device.message()).startsWith("hostname ").contains("U+000D");
    }

    @Test
    void platformKeyMakesAnOwnerWhoLogsInWithAStrictHttpOnlyCookie() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("owner") + "@example.com";
        String password = createUser(tenant, hub.platformKey(), email, "owner");

        Browser b = browser(email, password);
        Response me = hub.api().exchange("GET", "/api/v1/me", null, b.read(), null);

        String setCookie = b.login().headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie)
                .startsWith("enginex_session=exs_")
                .contains("HttpOnly")
                .containsIgnoringCase("SameSite=Strict");
        assertThat(setCookie).as("plain HTTP on loopback cannot use Secure").doesNotContain("Secure");
        assertThat(b.login().text()).doesNotContain(b.cookie().substring("enginex_session=".length()));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.get("kind")).isEqualTo("user");
        assertThat(me.get("tenant")).isEqualTo(tenant);
        assertThat(me.get("role")).isEqualTo("owner");
        assertThat(me.body().path("user").path("email").asText()).isEqualTo(email);
    }

    @Test
    void cookieRequestsThatChangeStateNeedTheCsrfToken() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("admin") + "@example.com";
        Browser b = browser(email, createUser(tenant, hub.platformKey(), email, "admin"));
        String path = "/api/v1/tenants/" + tenant + "/registration-tokens";

        Response without = hub.api().exchange("POST", path, null, b.read(), Map.of());
        Response wrong =
                hub.api().exchange("POST", path, null, Map.of("Cookie", b.cookie(), "X-CSRF-Token", "x"), Map.of());
        Response with = hub.api().exchange("POST", path, null, b.write(), Map.of());
        Response read = hub.api().exchange("GET", path, null, b.read(), null);

        assertThat(without.status()).isEqualTo(403);
        assertThat(without.code()).isEqualTo("csrf_failed");
        assertThat(wrong.code()).isEqualTo("csrf_failed");
        assertThat(with.status()).as(with.text()).isEqualTo(201);
        assertThat(read.status()).isEqualTo(200);
    }

    @Test
    void logoutEndsTheSessionAndAPasswordResetEndsEveryOther() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("op") + "@example.com";
        String password = createUser(tenant, hub.platformKey(), email, "operator");
        Browser first = browser(email, password);
        Browser second = browser(email, password);

        Response logout = hub.api().exchange("POST", "/api/v1/logout", null, first.write(), null);
        Response afterLogout = hub.api().exchange("GET", "/api/v1/me", null, first.read(), null);
        String userId = second.login().body().path("user").path("id").asText();
        Response reset = hub.api()
                .post("/api/v1/tenants/" + tenant + "/users/" + userId + "/password", hub.platformKey(), Map.of());
        Response afterReset = hub.api().exchange("GET", "/api/v1/me", null, second.read(), null);

        assertThat(logout.status()).isEqualTo(204);
        assertThat(afterLogout.status()).isEqualTo(401);
        assertThat(afterLogout.code()).isEqualTo("session_expired");
        assertThat(reset.status()).as(reset.text()).isEqualTo(200);
        assertThat(afterReset.status()).isEqualTo(401);
        assertThat(login(email, password).status()).isEqualTo(401);
        assertThat(login(email, reset.get("password")).status()).isEqualTo(200);
    }

    @Test
    void wrongPasswordAndUnknownEmailFailAlikeAndAreAudited() {
        String tenant = hub.newTenant();
        String email = TestHub.randomId("v") + "@example.com";
        createUser(tenant, hub.platformKey(), email, "viewer");

        Response wrong = login(email, "not the right password");
        Response unknown = login(TestHub.randomId("nobody") + "@example.com", "not the right password");
        JsonNode events = audit(tenant, "type=login.failed").path("events");

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.code()).isEqualTo("invalid_credentials");
        assertThat(unknown.text()).isEqualTo(wrong.text());
        assertThat(events).hasSize(1);
        assertThat(events.get(0).path("actor").path("id").asText()).isEqualTo(email);
        assertThat(events.get(0).path("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(events.get(0).path("outcome").asText()).isEqualTo("failure");
        assertThat(events.toString()).doesNotContain("not the right password");
    }

    @Test
    void adminsCannotMakeOwnersAndOperatorsCannotManageUsers() {
        String tenant = hub.newTenant();
        String admin = hub.tenantKey(tenant, "admin");
        String operator = hub.tenantKey(tenant, "operator");
        String owner = hub.tenantKey(tenant, "owner");
        String users = "/api/v1/tenants/" + tenant + "/users";

        var adminMakesOwner =
                hub.api().post(users, admin, Map.of("email", TestHub.randomId("o") + "@x.io", "role", "owner"));
        var adminMakesAdminKey =
                hub.api().post("/api/v1/tenants/" + tenant + "/api-keys", admin, Map.of("role", "owner"));
        var ownerMakesOwner =
                hub.api().post(users, owner, Map.of("email", TestHub.randomId("o") + "@x.io", "role", "owner"));
        var operatorLists = hub.api().get(users, operator);
        var weak = hub.api().post(users, owner, Map.of("email", TestHub.randomId("w") + "@x.io", "password", "short"));

        assertThat(adminMakesOwner.status()).isEqualTo(403);
        assertThat(adminMakesOwner.message()).contains("owner");
        assertThat(adminMakesAdminKey.status()).isEqualTo(403);
        assertThat(ownerMakesOwner.status()).as(ownerMakesOwner.text()).isEqualTo(201);
        assertThat(ownerMakesOwner.body().path("user").has("passwordHash")).isFalse();
        assertThat(operatorLists.status()).isEqualTo(403);
        assertThat(weak.status()).isEqualTo(400);
        assertThat(weak.code()).isEqualTo("weak_password");
    }

    @Test
    void apiKeysAreListedWithLastUseAndNoSecretAndRevokedKeysStopWorking() {
        String tenant = hub.newTenant();
        var created = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/api-keys",
                        hub.platformKey(),
                        Map.of("role", "viewer", "label", "ci"));
        String secret = created.get("key");
        String id = created.get("id");
        assertThat(hub.api().get("/api/v1/tenants/" + tenant, secret).status()).isEqualTo(200);

        var list = hub.api().get("/api/v1/tenants/" + tenant + "/api-keys", hub.platformKey());
        var revoke = hub.api().delete("/api/v1/tenants/" + tenant + "/api-keys/" + id, hub.platformKey());
        var after = hub.api().get("/api/v1/tenants/" + tenant, secret);
        var events = audit(tenant, "actor=" + id);

        assertThat(list.text()).doesNotContain(secret);
        assertThat(list.body().get(0).path("id").asText()).isEqualTo(id);
        assertThat(list.body().get(0).path("lastUsedAt").isTextual()).isTrue();
        assertThat(list.body().get(0).path("label").asText()).isEqualTo("ci");
        assertThat(revoke.status()).isEqualTo(204);
        assertThat(after.status()).isEqualTo(401);
        assertThat(types(audit(tenant, "type=api-key.revoked"))).containsExactly("api-key.revoked");
        assertThat(events.path("events")).isEmpty(); // a viewer's reads are not security events
    }

    @Test
    void enrolmentTokenUseAndRevocationAreAuditedWithWhoAndWhere() {
        String tenant = hub.newTenant();
        var agent = hub.register(tenant);
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/revoke",
                        hub.platformKey(),
                        Map.of());

        JsonNode page = audit(tenant, "");
        List<String> types = types(page);

        assertThat(types)
                .as("ids order events to the millisecond; within one the order is arbitrary")
                .containsExactlyInAnyOrder(
                        "agent.revoked", "agent.enrolled", "token.used", "token.created", "tenant.created");
        JsonNode enrolled = find(page, "agent.enrolled");
        assertThat(enrolled.path("actor").path("type").asText()).isEqualTo("registration_token");
        assertThat(enrolled.path("target").path("id").asText()).isEqualTo(agent.agentId());
        assertThat(enrolled.path("sourceIp").asText()).isEqualTo("127.0.0.1");
        assertThat(find(page, "agent.revoked").path("actor").path("type").asText())
                .isEqualTo("api_key");
    }

    @Test
    void auditIsPagedNewestFirstAndFilteredByTypeAndTime() {
        String tenant = hub.newTenant();
        for (int i = 0; i < 5; i++) {
            hub.newToken(tenant, Map.of());
        }
        JsonNode first = audit(tenant, "type=token.created&limit=3");
        JsonNode second = audit(
                tenant,
                "type=token.created&limit=3&before=" + first.path("next").asText());
        JsonNode future = audit(tenant, "since=2999-01-01T00:00:00Z");
        var bad = hub.api().get("/api/v1/tenants/" + tenant + "/audit?type=nope", hub.platformKey());

        assertThat(first.path("events")).hasSize(3);
        assertThat(second.path("events")).hasSize(2);
        assertThat(second.path("next").isTextual()).isFalse();
        assertThat(first.path("events").get(0).path("id").asText())
                .isGreaterThan(first.path("events").get(2).path("id").asText());
        assertThat(future.path("events")).isEmpty();
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.message()).contains("token.created");
    }

    static JsonNode audit(String tenant, String query) {
        var r = hub.api().get("/api/v1/tenants/" + tenant + "/audit?" + query, hub.platformKey());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body();
    }

    static List<String> types(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.path("events").forEach(e -> out.add(e.path("type").asText()));
        return out;
    }

    static JsonNode find(JsonNode page, String type) {
        for (JsonNode e : page.path("events")) {
            if (e.path("type").asText().equals(type)) {
                return e;
            }
        }
        throw new AssertionError("no " + type + " in " + page);
    }
}
