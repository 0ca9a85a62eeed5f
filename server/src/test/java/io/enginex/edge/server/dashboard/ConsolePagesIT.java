package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tenant admin's console pages over plain HTTP against a real hub: users (made with a one-time
 * password shown once, role changes, disabling), API keys (shown once, revoked), and an agent's labels,
 * archive and "registered, never connected" state, through the same services as the API (same roles,
 * same audit). Tenant isolation of these routes is in TenantIsolationIT's matrix; the browser flows
 * are in e2e's DashboardE2EIT.
 */
class ConsolePagesIT {
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

    static Browser person(String role) {
        return hub.signedIn(tenant, role);
    }

    static String users() {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                .text();
    }

    static String userId(String email) {
        var list = hub.api()
                .get("/api/v1/tenants/" + tenant + "/users", hub.platformKey())
                .body();
        for (var u : list) {
            if (u.path("email").asText().equals(email)) {
                return u.path("id").asText();
            }
        }
        throw new AssertionError("no user " + email + " in " + list);
    }

    static String audit(String type) {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=" + type, hub.platformKey())
                .text();
    }

    @Test
    void anAdminMakesAUserWhoseOneTimePasswordIsShownOnceAndWorksOnce() {
        assertThat(person("operator").get("/ui/users").statusCode()).isEqualTo(403);
        var admin = person("admin");
        var page = admin.get("/ui/users");
        assertThat(page.statusCode()).isEqualTo(200);
        String csrf = Browser.csrf(page.body());
        // an admin is offered no owner role, and giving one anyway is refused
        assertThat(page.body()).contains("<option value=\"admin\"").doesNotContain("<option value=\"owner\"");
        String email = TestHub.randomId("new") + "@example.com";
        assertThat(admin.post("/ui/users", Map.of("csrf", csrf, "email", email, "role", "owner"))
                        .statusCode())
                .isEqualTo(403);
        assertThat(admin.post("/ui/users", Map.of("csrf", csrf, "email", "not-an-email", "role", "viewer"))
                        .body())
                .contains("email must look like name@example.com");

        var created = admin.post("/ui/users", Map.of("csrf", csrf, "email", email, "role", "operator"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var found = Pattern.compile("id=\"one-time-password\">([^<]+)<").matcher(created.body());
        assertThat(found.find()).isTrue();
        String oneTime = found.group(1);
        assertThat(created.body()).contains("User " + email + " created");
        String list = admin.get("/ui/users").body();
        assertThat(list)
                .doesNotContain(oneTime)
                .contains("data-email=\"" + email + "\"")
                .contains("data-password=\"one-time\"")
                // who made each, by name: the people this test's hub key made, and this one the admin
                .contains("<td>a platform API key</td>")
                .doesNotContain("<td>key_");
        // the page made it through the service: the API's list and the audit trail say so
        assertThat(users()).contains(email).contains("\"passwordState\":\"one-time\"");
        assertThat(audit("user.created")).contains(email).contains("dashboard");
        // the one-time password signs in once, only to choose a new password
        var login = hub.api().post("/api/v1/login", null, Map.of("email", email, "password", oneTime));
        assertThat(login.status()).as(login.text()).isEqualTo(200);
        assertThat(login.body().path("passwordChangeRequired").asBoolean()).isTrue();
        assertThat(hub.api()
                        .post("/api/v1/login", null, Map.of("email", email, "password", oneTime))
                        .status())
                .isEqualTo(401);
        assertThat(admin.get("/ui/users").body()).contains("data-password=\"one-time-used\"");

        // a new one-time password from the page, shown once
        String id = userId(email);
        var reset = admin.post("/ui/users/" + id + "/password", Map.of("csrf", csrf));
        assertThat(reset.statusCode()).as(reset.body()).isEqualTo(200);
        var again = Pattern.compile("id=\"one-time-password\">([^<]+)<").matcher(reset.body());
        assertThat(again.find()).isTrue();
        assertThat(again.group(1)).isNotEqualTo(oneTime);
        assertThat(reset.body()).contains("New password for " + email);
        assertThat(audit("password.reset")).contains(id);
    }

    @Test
    void anAdminChangesRolesAndDisablesPeopleButNotThemselvesNorOwners() {
        var admin = person("admin");
        String csrf = Browser.csrf(admin.get("/ui/users").body());
        String email = TestHub.randomId("worker") + "@example.com";
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", email, "role", "viewer", "password", TestHub.USER_PASSWORD));
        var worker = new Browser(hub.url()).signIn(email, TestHub.USER_PASSWORD);
        assertThat(worker.get("/ui/registration").statusCode()).isEqualTo(403);
        String id = userId(email);

        var changed = admin.post("/ui/users/" + id + "/role", Map.of("csrf", csrf, "role", "operator"));
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(303);
        assertThat(changed.headers().firstValue("Location")).hasValue("/ui/users?done=role");
        // at once, in the session they already have
        assertThat(worker.get("/ui/registration").statusCode()).isEqualTo(200);
        assertThat(audit("user.updated")).contains(id).contains("\"previous_role\":\"viewer\"");

        var disabled = admin.post("/ui/users/" + id + "/disable", Map.of("csrf", csrf));
        assertThat(disabled.statusCode()).isEqualTo(303);
        assertThat(worker.get("/ui/fleet").statusCode())
                .as("their session ended")
                .isEqualTo(303);
        assertThat(new Browser(hub.url())
                        .signInAttempt(email, TestHub.USER_PASSWORD)
                        .statusCode())
                .isNotEqualTo(303);
        assertThat(admin.get("/ui/users?done=disabled").body())
                .contains("User disabled")
                .contains("/ui/users/" + id + "/enable");
        assertThat(audit("user.disabled")).contains(id);
        assertThat(admin.post("/ui/users/" + id + "/enable", Map.of("csrf", csrf))
                        .statusCode())
                .isEqualTo(303);
        assertThat(new Browser(hub.url())
                        .signIn(email, TestHub.USER_PASSWORD)
                        .get("/ui/fleet")
                        .statusCode())
                .isEqualTo(200);
        assertThat(audit("user.enabled")).contains(id);

        // not themselves, not an owner (an admin), not without the CSRF token
        String self = Pattern.compile("data-user=\"(usr_[^\"]+)\"[^>]*>\\s*<td>[^<]*<span class=\"hint\">\\(you\\)")
                .matcher(admin.get("/ui/users").body())
                .results()
                .findFirst()
                .orElseThrow()
                .group(1);
        var selfChange = admin.post("/ui/users/" + self + "/role", Map.of("csrf", csrf, "role", "viewer"));
        assertThat(selfChange.statusCode()).isEqualTo(400);
        assertThat(selfChange.body()).contains("ask another admin");
        String ownerEmail = TestHub.randomId("boss") + "@example.com";
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/users",
                        hub.platformKey(),
                        Map.of("email", ownerEmail, "role", "owner", "password", TestHub.USER_PASSWORD));
        assertThat(admin.post("/ui/users/" + userId(ownerEmail) + "/disable", Map.of("csrf", csrf))
                        .statusCode())
                .isEqualTo(403);
        assertThat(admin.post("/ui/users/" + id + "/disable", Map.of()).statusCode())
                .isEqualTo(403);
        assertThat(users()).contains(ownerEmail);
    }

    @Test
    void theUsersApiChangesRolesAndDisablesWithTheSameRules() {
        String email = TestHub.randomId("api") + "@example.com";
        String path = "/api/v1/tenants/" + tenant + "/users";
        hub.api()
                .post(
                        path,
                        hub.platformKey(),
                        Map.of("email", email, "role", "viewer", "password", TestHub.USER_PASSWORD));
        String id = userId(email);
        String admin = hub.tenantKey(tenant, "admin");
        var api = hub.api();
        assertThat(api.exchange(
                                "PATCH",
                                path + "/" + id,
                                hub.tenantKey(tenant, "operator"),
                                Map.of(),
                                Map.of("role", "admin"))
                        .status())
                .isEqualTo(403);
        assertThat(api.exchange("PATCH", path + "/" + id, admin, Map.of(), Map.of())
                        .code())
                .isEqualTo("nothing_to_change");
        assertThat(api.exchange("PATCH", path + "/" + id, admin, Map.of(), Map.of("role", "boss"))
                        .message())
                .contains("role must be one of owner, admin, operator, viewer");
        assertThat(api.exchange("PATCH", path + "/" + id, admin, Map.of(), Map.of("disabled", "yes"))
                        .message())
                .contains("disabled must be true or false");
        assertThat(api.exchange("PATCH", path + "/" + id, admin, Map.of(), Map.of("role", "owner"))
                        .status())
                .isEqualTo(403);
        var both =
                api.exchange("PATCH", path + "/" + id, admin, Map.of(), Map.of("role", "operator", "disabled", true));
        assertThat(both.status()).as(both.text()).isEqualTo(200);
        assertThat(both.get("role")).isEqualTo("operator");
        assertThat(both.body().path("disabled").asBoolean()).isTrue();
        assertThat(api.exchange("PATCH", path + "/usr_nope", admin, Map.of(), Map.of("role", "viewer"))
                        .status())
                .isEqualTo(404);
    }

    @Test
    void anAdminMakesAnApiKeyShownOnceAndRevokesIt() {
        assertThat(person("operator").get("/ui/api-keys").statusCode()).isEqualTo(403);
        var admin = person("admin");
        var page = admin.get("/ui/api-keys");
        String csrf = Browser.csrf(page.body());
        assertThat(page.body()).doesNotContain("<option value=\"owner\"");
        var created = admin.post("/ui/api-keys", Map.of("csrf", csrf, "label", "nightly <report>", "role", "viewer"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        var found = Pattern.compile("id=\"key-secret\">(exk_[^<]+)<").matcher(created.body());
        assertThat(found.find()).isTrue();
        String secret = found.group(1);
        assertThat(created.body()).contains("nightly &lt;report&gt;");
        assertThat(admin.get("/ui/api-keys").body()).doesNotContain(secret);
        // a real key of the tenant with the role chosen
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents", secret)
                        .status())
                .isEqualTo(200);
        assertThat(hub.api()
                        .post("/api/v1/tenants/" + tenant + "/registration-tokens", secret, Map.of())
                        .status())
                .isEqualTo(403);
        String keyId = hub.api().get("/api/v1/me", secret).get("id");
        assertThat(audit("api-key.created")).contains(keyId).contains("dashboard");
        assertThat(admin.post("/ui/api-keys", Map.of("csrf", csrf, "role", "owner"))
                        .statusCode())
                .isEqualTo(403);

        var revoked = admin.post("/ui/api-keys/" + keyId + "/revoke", Map.of("csrf", csrf));
        assertThat(revoked.statusCode()).isEqualTo(303);
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents", secret)
                        .status())
                .isEqualTo(401);
        assertThat(admin.get("/ui/api-keys?revoked").body())
                .contains("Key revoked")
                .contains("data-key=\"" + keyId + "\" data-state=\"revoked\"");
        assertThat(audit("api-key.revoked")).contains(keyId);
        assertThat(admin.post("/ui/api-keys/key_nope/revoke", Map.of("csrf", csrf))
                        .statusCode())
                .isEqualTo(404);
    }

    @Test
    void anAgentThatNeverConnectedSaysSoUntilItConnects() {
        TestAgent agent = hub.register(tenant);
        var viewer = person("viewer");
        String fleet = viewer.get("/ui/fleet?q=" + agent.agentId()).body();
        assertThat(fleet).contains("data-never=\"true\"").contains("registered, never connected");
        assertThat(viewer.get("/ui/agents/" + agent.agentId()).body()).contains("id=\"never-connected\"");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                        .body()
                        .path("neverConnected")
                        .asBoolean())
                .isTrue();

        hub.connectReady(agent, "fs.list").close();
        assertThat(viewer.get("/ui/fleet?q=" + agent.agentId()).body())
                .contains("data-never=\"false\"")
                .doesNotContain("data-never-connected");
        assertThat(viewer.get("/ui/agents/" + agent.agentId()).body()).doesNotContain("id=\"never-connected\"");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                        .body()
                        .path("neverConnected")
                        .asBoolean())
                .isFalse();
    }

    @Test
    void anOperatorEditsAnAgentsLabelsAndArchivesItOnceRevoked() {
        TestAgent agent = hub.register(tenant);
        String page = "/ui/agents/" + agent.agentId();
        var viewer = person("viewer");
        assertThat(viewer.get(page).body()).doesNotContain("id=\"labels-form\"").doesNotContain("id=\"archive\"");
        String viewerCsrf = Browser.csrf(viewer.get(page).body());
        assertThat(viewer.post(page + "/labels", Map.of("csrf", viewerCsrf, "labels", "x"))
                        .statusCode())
                .isEqualTo(403);

        var ops = person("operator");
        String csrf = Browser.csrf(ops.get(page).body());
        var bad = ops.post(page + "/labels", Map.of("csrf", csrf, "labels", "ok, not/ok"));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("labels are 1-63 letters");
        var saved = ops.post(page + "/labels", Map.of("csrf", csrf, "labels", "finance, team=eu"));
        assertThat(saved.statusCode()).isEqualTo(303);
        assertThat(ops.get(page + "?labelled").body()).contains("Labels saved").contains("value=\"finance, team=eu\"");
        var api = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey());
        assertThat(api.body().path("labels").toString()).isEqualTo("[\"finance\",\"team=eu\"]");
        assertThat(audit("agent.relabelled")).contains(agent.agentId()).contains("team=eu");
        assertThat(ops.get("/ui/fleet?q=team%3Deu").body()).contains("data-agent=\"" + agent.agentId() + "\"");

        // archived only once revoked
        assertThat(ops.get(page).body()).doesNotContain("id=\"archive\"");
        var early = ops.post(page + "/archive", Map.of("csrf", csrf));
        assertThat(early.statusCode()).isEqualTo(409);
        assertThat(early.body()).contains("revoke it first");
        assertThat(ops.post(page + "/revoke", Map.of("csrf", csrf)).statusCode())
                .isEqualTo(303);
        assertThat(ops.get(page).body()).contains("id=\"archive\"");
        assertThat(ops.post(page + "/archive", Map.of("csrf", csrf)).statusCode())
                .isEqualTo(303);
        assertThat(ops.get(page + "?archived").body())
                .contains("Agent archived")
                .contains("id=\"agent-archived\"")
                .doesNotContain("id=\"archive\"")
                .doesNotContain("id=\"labels-form\"");
        String fleet = ops.get("/ui/fleet").body();
        assertThat(fleet)
                .doesNotContain("data-agent=\"" + agent.agentId() + "\"")
                .contains("id=\"archived-count\"");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                        .body()
                        .path("archivedAt")
                        .isNull())
                .isFalse();
        assertThat(audit("agent.archived")).contains(agent.agentId());
    }

    @Test
    void theAgentsApiEditsLabelsAndArchivesWithTheSameRules() {
        TestAgent agent = hub.register(tenant);
        String path = "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId();
        var api = hub.api();
        String viewer = hub.tenantKey(tenant, "viewer");
        String operator = hub.tenantKey(tenant, "operator");
        assertThat(api.exchange("PUT", path + "/labels", viewer, Map.of(), Map.of("labels", List.of("a")))
                        .status())
                .isEqualTo(403);
        assertThat(api.exchange("PUT", path + "/labels", operator, Map.of(), Map.of())
                        .message())
                .contains("{\"labels\": [");
        var put = api.exchange("PUT", path + "/labels", operator, Map.of(), Map.of("labels", List.of("b", "a", "b")));
        assertThat(put.status()).as(put.text()).isEqualTo(200);
        assertThat(put.body().path("labels").toString()).isEqualTo("[\"b\",\"a\"]");
        assertThat(api.post(path + "/archive", viewer, Map.of()).status()).isEqualTo(403);
        assertThat(api.post(path + "/archive", operator, Map.of()).code()).isEqualTo("agent_not_revoked");
        assertThat(api.post(path + "/revoke", operator, Map.of()).status()).isEqualTo(200);
        var archived = api.post(path + "/archive", operator, Map.of());
        assertThat(archived.status()).as(archived.text()).isEqualTo(200);
        assertThat(archived.get("archivedAt")).isNotBlank();
        // again: nothing changes, no second event
        assertThat(api.post(path + "/archive", operator, Map.of()).get("archivedAt"))
                .isEqualTo(archived.get("archivedAt"));
        assertThat(Pattern.compile(Pattern.quote(agent.agentId()))
                        .matcher(audit("agent.archived"))
                        .results()
                        .count())
                .isEqualTo(1);
        assertThat(api.post("/api/v1/tenants/" + tenant + "/agents/agt_nope/archive", operator, Map.of())
                        .status())
                .isEqualTo(404);
    }
}
