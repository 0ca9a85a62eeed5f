package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The policies pages over plain HTTP against a real hub: the list with scopes, the editor's preview
 * (which agents a scope matches, the policies an agent would take and the rules they leave it) that
 * saves nothing, saving and deleting through {@link io.enginex.edge.server.policy.Policies} (same
 * roles and audit as the API), and bad input shown by its field with nothing saved. Tenant isolation
 * of the routes is in TenantIsolationIT's matrix; the browser flow (htmx preview in a live region,
 * axe-core) is in e2e's DashboardE2EIT.
 */
class PolicyPagesIT {
    @TempDir
    static Path dir;

    static TestHub hub;
    static String tenant;
    static String financeAgent;
    static String otherAgent;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir);
        tenant = hub.newTenant();
        financeAgent = agent("ledger-pc", "finance");
        otherAgent = agent("reception-pc", "office");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String agent(String hostname, String label) {
        String token = hub.newToken(tenant, Map.of("labels", List.of(label)));
        var r = hub.api()
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
        assertThat(r.status()).as(r.text()).isEqualTo(201);
        return r.get("agentId");
    }

    static JsonNode policies() {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/policies", hub.platformKey())
                .body();
    }

    static String setByApi(String scope, Object policy) {
        var r = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/policies",
                        hub.platformKey(),
                        Map.of("scope", scope, "policy", policy));
        assertThat(r.status()).as(r.text()).isIn(200, 201);
        return r.get("id");
    }

    static String audit(String type) {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=" + type, hub.platformKey())
                .text();
    }

    static Map<String, String> form(String csrf, String scope, String policy, String agent) {
        var form = new LinkedHashMap<String, String>();
        form.put("csrf", csrf);
        form.put("scope", scope);
        form.put("description", "");
        form.put("policy", policy);
        form.put("agent", agent);
        return form;
    }

    @Test
    void theAdminPreviewsWhatAPolicyMatchesAndBecomesThenSavesIt() {
        String wide = setByApi("tenant", Map.of("version", 1, "tools", List.of("fs.list", "fs.read", "fs.write")));
        var admin = hub.signedIn(tenant, "admin");
        String csrf = Browser.csrf(admin.get("/ui/policies/new").body());
        String document =
                "{\"version\": 1, \"tools\": [\"fs.read\", \"fs.list\"], \"approvalRequired\": [\"fs.list\"]}";

        int count = policies().size();

        var preview = admin.post("/ui/policies/preview", form(csrf, "label:finance", document, financeAgent));

        assertThat(preview.statusCode()).as(preview.body()).isEqualTo(200);
        assertThat(preview.body())
                .contains("matches <strong>1</strong> agent(s); 1 of them would take this policy")
                .contains("<li>ledger-pc <span class=\"hint\">(finance)</span></li>")
                .doesNotContain("<li>reception-pc")
                .contains("Effective tenant policy of ledger-pc")
                .contains("tenant policy " + wide + " (whole tenant)")
                .containsPattern("id=\"preview-after\">tenant policy the new policy \\(label finance\\)")
                // the label's policy replaces the tenant-wide one for this agent: its tools, not the wider ones
                .contains("id=\"preview-tools\">fs.read, fs.list<")
                .contains("Nothing is saved");
        assertThat(policies()).as("a preview saves nothing").hasSize(count);

        var saved = admin.post("/ui/policies", form(csrf, "label:finance", document, ""));
        assertThat(saved.statusCode()).as(saved.body()).isEqualTo(303);
        String location = saved.headers().firstValue("Location").orElseThrow();
        assertThat(location).matches("/ui/policies/pol_[^?]+\\?saved=created&matched=1");
        String id = location.substring("/ui/policies/".length(), location.indexOf('?'));
        assertThat(policies().toString()).contains("label:finance").contains(id);
        assertThat(audit("policy.changed")).contains(id).contains("dashboard").contains("\"action\":\"created\"");

        String page = admin.get(location).body();
        assertThat(page).contains("Policy saved; 1 agent(s) match").contains("label:finance");
        String list = admin.get("/ui/policies").body();
        assertThat(list)
                .contains("data-policy=\"" + id + "\"")
                .contains(">label finance</a>")
                .contains(">whole tenant</a>")
                .contains("<td>fs.read, fs.list</td>")
                .doesNotContain("<td>usr_")
                .doesNotContain("<td>key_");

        // an agent's own scope is shown by its name, and wins over its labels for that agent only
        var own = admin.post(
                "/ui/policies/preview",
                form(csrf, "agent:" + otherAgent, "{\"version\": 1, \"tools\": []}", otherAgent));
        assertThat(own.body())
                .contains("matches <strong>1</strong>")
                .contains("<li>reception-pc")
                .contains("id=\"preview-tools\">none<");
    }

    @Test
    void badInputIsShownByItsFieldNamingTheFixAndNothingIsSaved() {
        var admin = hub.signedIn(tenant, "admin");
        String csrf = Browser.csrf(admin.get("/ui/policies/new").body());
        int before = policies().size();
        var form = form(csrf, "team=finance", "{\"version\": 1, \"tools\": [", "");
        form.put("description", "x".repeat(501));

        var refused = admin.post("/ui/policies", form);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(refused.body())
                .contains("Nothing was saved")
                .contains("id=\"scope-error\" class=\"error field-error\">scope must be \"tenant\", \"label:LABEL\"")
                .containsPattern(
                        "id=\"policy-error\" class=\"error field-error\">the policy is not JSON \\(line 1, column")
                .containsPattern("id=\"description-error\" class=\"error field-error\">description is at most 500")
                .contains("aria-invalid=\"true\"")
                // what was typed stays in the form
                .contains(">{\"version\": 1, \"tools\": [</textarea>")
                .contains("expected close marker for Array;")
                .doesNotContain("REDACTED");
        var invalid = admin.post("/ui/policies", form(csrf, "tenant", "{\"version\": 1, \"tools\": \"fs.read\"}", ""));
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(invalid.body())
                .containsPattern("id=\"policy-error\" class=\"error field-error\">the policy is not valid")
                .contains("id=\"scope-error\" class=\"error field-error\" hidden");
        var noAgent = admin.post("/ui/policies", form(csrf, "agent:agt_nope", "{\"version\": 1}", ""));
        assertThat(noAgent.body()).contains("this tenant has no agent agt_nope; check the scope");
        assertThat(policies()).hasSize(before);
    }

    @Test
    void viewersReadPoliciesButOnlyAdminsPreviewSaveOrDelete() {
        String id = setByApi("label:office", Map.of("version", 1, "tools", List.of("fs.list")));
        var viewer = hub.signedIn(tenant, "viewer");
        String list = viewer.get("/ui/policies").body();
        assertThat(list).contains("data-policy=\"" + id + "\"").doesNotContain("id=\"new-policy\"");
        String one = viewer.get("/ui/policies/" + id).body();
        assertThat(one).contains("id=\"policy-document\"").doesNotContain("id=\"policy-form\"");
        String csrf = Browser.csrf(one);
        assertThat(viewer.get("/ui/policies/new").statusCode()).isEqualTo(403);
        var operator = hub.signedIn(tenant, "operator");
        String operatorCsrf = Browser.csrf(operator.get("/ui/policies").body());
        for (var who : Map.of(viewer, csrf, operator, operatorCsrf).entrySet()) {
            var person = who.getKey();
            assertThat(person.post("/ui/policies", form(who.getValue(), "label:office", "{\"version\": 1}", ""))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(person.post("/ui/policies/preview", form(who.getValue(), "label:office", "{\"version\": 1}", ""))
                            .statusCode())
                    .isEqualTo(403);
            assertThat(person.post("/ui/policies/" + id + "/delete", Map.of("csrf", who.getValue()))
                            .statusCode())
                    .isEqualTo(403);
        }
        assertThat(policies().toString()).contains(id);
    }

    @Test
    void anAdminDeletesAPolicyAndItsAgentsFallBack() {
        String id = setByApi("label:kiosk", Map.of("version", 1));
        var admin = hub.signedIn(tenant, "admin");
        String csrf = Browser.csrf(admin.get("/ui/policies/" + id).body());
        assertThat(admin.post("/ui/policies/" + id + "/delete", Map.of()).statusCode())
                .as("no CSRF token")
                .isEqualTo(403);

        var deleted = admin.post("/ui/policies/" + id + "/delete", Map.of("csrf", csrf));

        assertThat(deleted.statusCode()).isEqualTo(303);
        assertThat(deleted.headers().firstValue("Location")).hasValue("/ui/policies?deleted=label%3Akiosk");
        assertThat(admin.get("/ui/policies?deleted=label%3Akiosk").body())
                .contains("Policy of scope label:kiosk deleted");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/policies/" + id, hub.platformKey())
                        .status())
                .isEqualTo(404);
        assertThat(audit("policy.deleted")).contains(id).contains("dashboard");
        assertThat(admin.get("/ui/policies/" + id).statusCode()).isEqualTo(404);
    }
}
