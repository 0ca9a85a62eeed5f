package io.enginex.edge.server.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.protocol.PolicyUpdate;
import io.enginex.edge.protocol.TenantPolicy;
import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tenant policies on a real hub: validated with the agent's rules, chosen most-specific-first,
 * carried in welcome, pushed to connected agents that advertise, audited, and their approval rules
 * enforced by the hub itself.
 */
class TenantPolicyIT {
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

    private static String policies(String tenant) {
        return "/api/v1/tenants/" + tenant + "/policies";
    }

    private static Map<String, Object> policy(String scope, Map<String, Object> document) {
        return Map.of("scope", scope, "policy", document);
    }

    @Test
    void aPolicyTheAgentWouldRefuseIsRefusedNamingEveryProblem() {
        String tenant = hub.newTenant();
        var r = hub.api()
                .post(
                        policies(tenant),
                        hub.platformKey(),
                        policy(
                                "tenant",
                                Map.of(
                                        "tool",
                                        List.of("fs.read"),
                                        "roots",
                                        List.of(Map.of("path", "relative", "mode", "rw")),
                                        "network",
                                        List.of("erp:https"))));

        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("invalid_policy");
        assertThat(r.message())
                .contains("unknown field \"tool\"")
                .contains("root relative must be an absolute path")
                .contains("mode must be \"read\" or \"write\"")
                .contains("has no numeric port");
        assertThat(hub.api().get(policies(tenant), hub.platformKey()).body()).isEmpty();
    }

    @Test
    void badScopesAndUnknownAgentsAreRefused() {
        String tenant = hub.newTenant();
        var scope = hub.api().post(policies(tenant), hub.platformKey(), policy("everyone", Map.of("version", 1)));
        var agent = hub.api().post(policies(tenant), hub.platformKey(), policy("agent:agt_nope", Map.of("version", 1)));

        assertThat(scope.status()).isEqualTo(400);
        assertThat(scope.code()).isEqualTo("invalid_scope");
        assertThat(agent.status()).isEqualTo(404);
        assertThat(agent.code()).isEqualTo("agent_not_found");
    }

    @Test
    void onlyAdminsChangePoliciesAndEveryChangeIsAudited() {
        String tenant = hub.newTenant();
        var byOperator = hub.api()
                .post(policies(tenant), hub.tenantKey(tenant, "operator"), policy("tenant", Map.of("version", 1)));
        String admin = hub.tenantKey(tenant, "admin");
        var created = hub.api().post(policies(tenant), admin, policy("tenant", Map.of("tools", List.of("fs.list"))));
        var replaced = hub.api().post(policies(tenant), admin, policy("tenant", Map.of("tools", List.of("sys.info"))));
        var deleted = hub.api().delete(policies(tenant) + "/" + created.get("id"), admin);
        var again = hub.api().delete(policies(tenant) + "/" + created.get("id"), admin);

        assertThat(byOperator.status()).isEqualTo(403);
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        assertThat(replaced.status()).isEqualTo(200);
        assertThat(replaced.get("id")).isEqualTo(created.get("id"));
        assertThat(replaced.body().path("policy").path("tools").get(0).asText()).isEqualTo("sys.info");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(again.status()).isEqualTo(404);
        assertThat(again.code()).isEqualTo("policy_not_found");
        JsonNode audit =
                hub.api().get("/api/v1/tenants/" + tenant + "/audit", admin).body();
        assertThat(audit.findValuesAsText("type"))
                .containsSubsequence("policy.deleted", "policy.changed", "policy.changed");
    }

    @Test
    void welcomeCarriesTheMostSpecificPoliciesAndAChangeIsPushedToAgentsThatAdvertise() {
        String tenant = hub.newTenant();
        String key = hub.platformKey();
        TestAgent agent = hub.register(tenant); // label "test"
        hub.api().post(policies(tenant), key, policy("tenant", Map.of("tools", List.of("fs.list", "fs.read"))));
        hub.api().post(policies(tenant), key, policy("label:other", Map.of("tools", List.of("sys.info"))));

        try (AgentSocket socket = hub.connect(agent)) {
            Welcome welcome = socket.hello("fs.list", "fs.read");
            assertThat(welcome.tenantPolicies()).singleElement().satisfies(p -> {
                assertThat(p.scope()).isEqualTo("tenant");
                assertThat(p.policy().path("tools").toString()).isEqualTo("[\"fs.list\",\"fs.read\"]");
            });
            socket.send(new Advertise(
                    socket.nextId(),
                    List.of(),
                    "sha256:x",
                    TestHub.MAPPER.createObjectNode().put("tenantPolicy", "tenant policy")));
            // The hub pushes only to agents whose advertisement it has processed; wait for that first.
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> hub.api()
                            .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), key)
                            .body()
                            .path("effectivePolicy")
                            .has("tenantPolicy"));

            var label =
                    hub.api().post(policies(tenant), key, policy("label:test", Map.of("tools", List.of("fs.list"))));
            assertThat(label.body().path("pushedTo").asInt()).isEqualTo(1);
            PolicyUpdate update = socket.expect(PolicyUpdate.class);
            assertThat(update.tenantPolicies()).singleElement().satisfies(p -> {
                assertThat(p.scope()).isEqualTo("label:test");
                assertThat(p.id()).isEqualTo(label.get("id"));
            });

            JsonNode view = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), key)
                    .body();
            assertThat(view.path("effectivePolicy").path("tenantPolicy").asText())
                    .isEqualTo("tenant policy");
            assertThat(view.path("tools")).isEmpty();
        }
    }

    @Test
    void theAgentsOwnPolicyWinsOverItsLabelsAndTheirsOverTheTenants() {
        String tenant = hub.newTenant();
        String key = hub.platformKey();
        TestAgent agent = hub.register(tenant); // label "test"
        hub.api().post(policies(tenant), key, policy("tenant", Map.of("tools", List.of("sys.info"))));
        hub.api().post(policies(tenant), key, policy("label:test", Map.of("tools", List.of("fs.list"))));
        String own = hub.api()
                .post(policies(tenant), key, policy("agent:" + agent.agentId(), Map.of("tools", List.of("fs.read"))))
                .get("id");

        try (AgentSocket socket = hub.connect(agent)) {
            assertThat(socket.hello("fs.read").tenantPolicies())
                    .extracting(TenantPolicy::id)
                    .containsExactly(own);
        }
        hub.api().delete(policies(tenant) + "/" + own, key);
        try (AgentSocket socket = hub.connect(agent)) {
            assertThat(socket.hello("fs.read").tenantPolicies())
                    .extracting(TenantPolicy::scope)
                    .containsExactly("label:test");
        }
    }

    @Test
    void anAgentThatNeverAdvertisedIsNotSentUpdates() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            var r = hub.api()
                    .post(policies(tenant), hub.platformKey(), policy("tenant", Map.of("tools", List.of("fs.list"))));
            assertThat(r.body().path("pushedTo").asInt()).isZero();
            assertThat(socket.isClosed()).isFalse();
            JsonNode view = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                    .body();
            assertThat(view.path("effectivePolicy").isMissingNode()
                            || view.path("effectivePolicy").isNull())
                    .isTrue();
        }
    }

    @Test
    void aToolTheTenantPolicyMarksApprovalRequiredWaitsForApprovalOnTheHub() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        hub.api()
                .post(
                        policies(tenant),
                        hub.platformKey(),
                        policy(
                                "agent:" + agent.agentId(),
                                Map.of(
                                        "tools",
                                        List.of("fs.list", "fs.delete"),
                                        "approvalRequired",
                                        List.of("fs.delete"))));
        try (AgentSocket socket = hub.connectReady(agent, "fs.list", "fs.delete")) {
            String session = hub.newSession(tenant);
            JsonNode delete = hub.dispatch(tenant, session, agent.agentId(), "fs.delete", Map.of("path", "x"), 60);
            JsonNode list = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60);

            assertThat(delete.path("state").asText()).isEqualTo("awaiting_approval");
            assertThat(list.path("state").asText()).isNotEqualTo("awaiting_approval");
            assertThat(socket.next()).isInstanceOf(io.enginex.edge.protocol.Dispatch.class);
        }
    }

    @Test
    void forAnAgentThatDoesNotApplyTenantPoliciesTheHubRefusesToolsTheyLeaveOut() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String id = hub.api()
                .post(policies(tenant), hub.platformKey(), policy("tenant", Map.of("tools", List.of("fs.list"))))
                .get("id");
        try (AgentSocket socket = hub.connectReady(agent, "fs.list", "fs.read")) {
            String session = hub.newSession(tenant);

            var refused = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                            hub.platformKey(),
                            Map.of("agentId", agent.agentId(), "tool", "fs.read", "args", Map.of()));
            JsonNode allowed = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of(), 60);

            assertThat(refused.status()).as(refused.text()).isEqualTo(403);
            assertThat(refused.code()).isEqualTo("blocked_by_policy");
            assertThat(refused.message()).contains("tenant policy " + id + " (whole tenant)");
            assertThat(allowed.path("state").asText()).isIn("queued", "dispatched");
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void aToolTheAgentReportsBlockedByPolicyIsSentSoTheAgentRefusesItTyped() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list", "fs.read")) {
            var effective = TestHub.MAPPER.createObjectNode();
            effective
                    .putArray("blockedTools")
                    .addObject()
                    .put("name", "fs.read")
                    .put("reason", "tenant policy");
            socket.send(new Advertise(
                    socket.nextId(),
                    List.of(new io.enginex.edge.protocol.ToolDescriptor(
                            "fs.list", "fs.list", "", TestHub.MAPPER.createObjectNode(), "low")),
                    "",
                    effective));
            org.awaitility.Awaitility.await()
                    .until(() -> hub.api()
                            .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                            .body()
                            .path("effectivePolicy")
                            .has("blockedTools"));
            String session = hub.newSession(tenant);

            var blocked = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                            hub.platformKey(),
                            Map.of("agentId", agent.agentId(), "tool", "fs.read", "args", Map.of()));
            var unknown = hub.api()
                    .post(
                            "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                            hub.platformKey(),
                            Map.of("agentId", agent.agentId(), "tool", "fs.nothing", "args", Map.of()));

            assertThat(blocked.status()).as(blocked.text()).isEqualTo(201);
            assertThat(unknown.status()).isEqualTo(400);
            assertThat(unknown.code()).isEqualTo("unknown_tool");
        }
    }
}
