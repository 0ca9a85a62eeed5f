package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ToolApproval;
import io.enginex.edge.protocol.ToolDescriptor;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approvals, device, ops and audit pages and the agent page's connection history over plain HTTP,
 * with a test agent socket; the browser tests in e2e drive the same pages in Chromium.
 */
class DashboardOpsIT {
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

    static Browser signedIn(String role) {
        return hub.signedIn(tenant, role);
    }

    /** A connected agent that announces fs.write as needing approval, and a job held for it. */
    record Held(TestAgent agent, AgentSocket socket, String job) {}

    static Held held(String path) {
        TestAgent agent = hub.register(tenant);
        AgentSocket socket = hub.connect(agent);
        var schema = TestHub.MAPPER.createObjectNode().put("type", "object");
        socket.helloWith(List.of(
                new ToolDescriptor("fs.list", null, null, schema, "low", null, null),
                new ToolDescriptor(
                        "fs.write", null, null, schema, "high", null, null, new ToolApproval(true, List.of()))));
        String session = hub.newSession(tenant);
        String job = hub.dispatch(tenant, session, agent.agentId(), "fs.write", Map.of("path", path), 600)
                .get("id")
                .asText();
        return new Held(agent, socket, job);
    }

    @Test
    void aHeldJobShowsItsEvidenceAndAnOperatorApprovesItOnThePage() {
        Held h = held("q3-close.csv");
        try (AgentSocket socket = h.socket()) {
            Browser operator = signedIn("operator");

            String list = operator.get("/ui/approvals").body();
            assertThat(list)
                    .contains("data-job=\"" + h.job() + "\"")
                    .contains("\"path\" : \"q3-close.csv\"")
                    .contains("every call of fs.write")
                    .contains("test-host");
            String page = operator.get("/ui/approvals/" + h.job()).body();
            assertThat(page).contains("id=\"approve\"").contains("id=\"deny\"");

            var approved = operator.post(
                    "/ui/approvals/" + h.job() + "/approve", Map.of("csrf", Browser.csrf(page), "reason", "month end"));

            assertThat(approved.statusCode()).as(approved.body()).isEqualTo(303);
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(h.job());
            assertThat(dispatch.approvedBy()).startsWith("usr_");
            var job = hub.job(tenant, h.job());
            assertThat(job.path("approval").path("reason").asText()).isEqualTo("month end");
            String after = operator.get("/ui/approvals/" + h.job() + "?decided").body();
            assertThat(after).contains("Approved: the job was sent").doesNotContain("id=\"approve\"");
            // a second decision changes nothing and says so
            var again = operator.post(
                    "/ui/approvals/" + h.job() + "/deny", Map.of("csrf", Browser.csrf(page), "reason", "late"));
            assertThat(again.headers().firstValue("Location")).hasValue("/ui/approvals/" + h.job() + "?already");
        }
    }

    @Test
    void denyingNeedsAReasonAndViewersOnlyWatch() {
        Held h = held("payroll.csv");
        try (AgentSocket socket = h.socket()) {
            assertThat(socket.isClosed()).isFalse();
            Browser viewer = signedIn("viewer");
            String watched = viewer.get("/ui/approvals/" + h.job()).body();
            assertThat(watched).doesNotContain("id=\"approve\"").contains("you can watch");
            assertThat(viewer.post(
                                    "/ui/approvals/" + h.job() + "/deny",
                                    Map.of("csrf", Browser.csrf(watched), "reason", "x"))
                            .statusCode())
                    .isEqualTo(403);

            Browser admin = signedIn("admin");
            String page = admin.get("/ui/approvals/" + h.job()).body();
            var noReason = admin.post("/ui/approvals/" + h.job() + "/deny", Map.of("csrf", Browser.csrf(page)));
            assertThat(noReason.statusCode()).isEqualTo(400);
            assertThat(noReason.body()).contains("say why you deny this job");
            var noCsrf = admin.post("/ui/approvals/" + h.job() + "/deny", Map.of("reason", "no"));
            assertThat(noCsrf.statusCode()).isEqualTo(403);

            var denied = admin.post(
                    "/ui/approvals/" + h.job() + "/deny", Map.of("csrf", Browser.csrf(page), "reason", "wrong period"));

            assertThat(denied.statusCode()).isEqualTo(303);
            var job = hub.job(tenant, h.job());
            assertThat(job.path("state").asText()).isEqualTo("cancelled");
            assertThat(job.path("error").path("code").asText()).isEqualTo("approval_denied");
            assertThat(job.path("approval").path("reason").asText()).isEqualTo("wrong period");
            assertThat(admin.get("/ui/approvals/" + h.job()).body())
                    .contains("wrong period")
                    .contains("approval_denied");
            assertThat(admin.get("/ui/approvals").body()).doesNotContain("data-job=\"" + h.job() + "\"");
        }
    }

    @Test
    void anAdminApprovesADeviceCodeIntoTheirTenant() {
        KeyPair keys = TestAgent.newKeyPair();
        var started = hub.api()
                .post(
                        "/api/v1/agent/device/authorize",
                        null,
                        Map.of(
                                "publicKey", TestAgent.publicKeyBase64(keys),
                                "hostname", "lt-4711",
                                "os", "Linux",
                                "arch", "amd64",
                                "user", "alice",
                                "agentVersion", "0.1.0"));
        assertThat(started.status()).as(started.text()).isEqualTo(200);
        String code = started.get("user_code");
        Browser admin = signedIn("admin");

        var forwarded = admin.get("/device?user_code=" + code);
        assertThat(forwarded.headers().firstValue("Location")).hasValue("/ui/device?user_code=" + code);
        String page = admin.get("/ui/device?user_code=" + code.toLowerCase().replace("-", ""))
                .body();
        assertThat(page).contains("lt-4711").contains("alice").contains("SHA256:");
        assertThat(signedIn("operator").get("/ui/device").statusCode()).isEqualTo(403);

        var approved = admin.post(
                "/ui/device/approve", Map.of("csrf", Browser.csrf(page), "user_code", code, "labels", "lab, eu"));

        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(303);
        String location = approved.headers().firstValue("Location").orElseThrow();
        assertThat(location).startsWith("/ui/device?approved=agt_");
        String agentId = location.substring(location.indexOf("agt_"));
        var agent = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + agentId, hub.platformKey());
        assertThat(agent.body().path("labels").toString()).isEqualTo("[\"lab\",\"eu\"]");
        var again = admin.post("/ui/device/deny", Map.of("csrf", Browser.csrf(page), "user_code", code));
        assertThat(again.headers().firstValue("Location")).hasValue("/ui/device?user_code=" + code);
        assertThat(admin.get("/ui/device?user_code=" + code).body()).contains("no pending request");
    }

    @Test
    void theAuditPageFiltersAndPages() {
        Browser admin = signedIn("admin");
        var failed = hub.api().post("/api/v1/login", null, Map.of("email", "nobody@example.com", "password", "x"));
        assertThat(failed.status()).isEqualTo(401);

        String all = admin.get("/ui/audit").body();
        assertThat(all).contains("login.succeeded").contains("user.created");
        String succeeded = admin.get("/ui/audit?type=login.succeeded").body();
        assertThat(succeeded).contains("data-type=\"login.succeeded\"").doesNotContain("data-type=\"user.created\"");
        String outcome =
                admin.get("/ui/audit?outcome=success&from=2020-01-01T00:00").body();
        assertThat(outcome).contains("data-outcome=\"success\"").doesNotContain("data-outcome=\"failure\"");
        assertThat(admin.get("/ui/audit?to=2020-01-01T00:00").body()).contains("No event matches this filter");
        var bad = admin.get("/ui/audit?from=yesterday");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("like 2026-11-26T09:30");
        assertThat(signedIn("operator").get("/ui/audit").statusCode()).isEqualTo(403);
    }

    @Test
    void theOpsConsoleDrawsFiveChartsForAdmins() {
        Browser admin = signedIn("owner");
        String page = admin.get("/ui/ops").body();

        assertThat(page)
                .contains("id=\"chart-agents-svg\"")
                .contains("id=\"chart-dispatch-svg\"")
                .contains("id=\"chart-latency-svg\"")
                .contains("id=\"chart-errors-svg\"")
                .contains("id=\"chart-connects-svg\"")
                .contains("sse-connect=\"/ui/ops/live\"")
                .contains("<option value=\"\" selected>all nodes (cluster)</option>")
                .contains("<option value=\"test-hub\">test-hub</option>")
                .contains("cluster (1 node)")
                .doesNotContain("style=");
        assertThat(admin.get("/ui/ops?node=test-hub").body())
                .contains("<option value=\"test-hub\" selected>test-hub</option>")
                .contains("sse-connect=\"/ui/ops/live?node=test-hub\"")
                .contains("node test-hub");
        var unknown = admin.get("/ui/ops?node=hub-9");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("no hub node named");
        assertThat(signedIn("operator").get("/ui/ops").statusCode()).isEqualTo(403);
    }

    @Test
    void theAgentPageListsItsConnections() {
        TestAgent agent = hub.register(tenant);
        hub.connectReady(agent, "fs.list").close();
        Browser viewer = signedIn("viewer");

        await().until(() -> viewer.get("/ui/agents/" + agent.agentId()).body().contains("<code>1006</code>"));
        String page = viewer.get("/ui/agents/" + agent.agentId()).body();
        assertThat(page).contains("Connection history").contains("test-hub").contains("127.0.0.1");
    }
}
