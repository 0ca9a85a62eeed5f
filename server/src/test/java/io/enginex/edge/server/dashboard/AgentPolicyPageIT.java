package io.enginex.edge.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.enginex.edge.protocol.Advertise;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.Browser;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent page shows the effective policy the agent advertised and its local vetoes: what the
 * tenant policy allows but the machine's own policy removed.
 */
class AgentPolicyPageIT {
    static final String MACHINE = "machine policy /etc/enginex-agent/policy.json";

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
    void theAgentPageShowsTheEffectivePolicyAndWhatTheMachineVetoed() {
        String tenant = hub.newTenant();
        var created = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/policies",
                        hub.platformKey(),
                        Map.of(
                                "scope",
                                "tenant",
                                "policy",
                                Map.of(
                                        "version",
                                        1,
                                        "tools",
                                        List.of("fs.list", "fs.read", "fs.write"),
                                        "network",
                                        List.of("erp.corp.internal:443"))));
        assertThat(created.status()).as(created.text()).isEqualTo(201);
        String source = "tenant policy " + created.get("id") + " (whole tenant)";
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list", "fs.read");
            socket.send(new Advertise(socket.nextId(), List.of(), "sha256:narrowed", narrowed(source)));
            await().until(() -> hub.api()
                    .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                    .body()
                    .path("effectivePolicy")
                    .has("blockedTools"));

            String page = viewer(tenant).get("/ui/agents/" + agent.agentId()).body();

            assertThat(page)
                    .doesNotContain("has not reported its effective policy")
                    .doesNotContain("id=\"no-vetoes\"")
                    .contains(MACHINE)
                    .contains(source)
                    .contains("data-tool=\"fs.list\"")
                    .contains("data-tool=\"fs.read\"")
                    .doesNotContain("data-tool=\"fs.write\"")
                    .contains("data-veto=\"tool:fs.write\"")
                    .contains("the tool fs.write is not in the allowed tools of " + MACHINE)
                    .contains("data-veto=\"network:erp.corp.internal:443\"")
                    .doesNotContain("data-veto=\"tool:fs.list\"")
                    .doesNotContain("data-veto=\"tool:fs.read\"")
                    // removed by the tenant policy itself, not vetoed by the machine
                    .doesNotContain("data-veto=\"tool:exec\"");
        }
    }

    @Test
    void anAgentWhoseMachineRemovesNothingHasNoVetoes() {
        String tenant = hub.newTenant();
        var created = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/policies",
                        hub.platformKey(),
                        Map.of("scope", "tenant", "policy", Map.of("version", 1, "tools", List.of("fs.list"))));
        String source = "tenant policy " + created.get("id") + " (whole tenant)";
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connect(agent)) {
            socket.hello("fs.list");
            ObjectNode report = TestHub.MAPPER
                    .createObjectNode()
                    .put("machinePolicy", MACHINE)
                    .put("tenantPolicy", source);
            report.putArray("tools").addObject().put("name", "fs.list").put("source", source);
            report.putArray("blockedTools")
                    .addObject()
                    .put("name", "fs.read")
                    .put("reason", "the tool fs.read is not in the allowed tools of " + source);
            socket.send(new Advertise(socket.nextId(), List.of(), "sha256:same", report));
            await().until(() -> hub.api()
                    .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                    .body()
                    .path("effectivePolicy")
                    .has("blockedTools"));

            String page = viewer(tenant).get("/ui/agents/" + agent.agentId()).body();

            assertThat(page).contains("id=\"no-vetoes\"").doesNotContain("data-veto=");
        }
    }

    /** What an agent whose machine policy allows no fs.write and no network reports. */
    static ObjectNode narrowed(String tenantSource) {
        ObjectNode report =
                TestHub.MAPPER.createObjectNode().put("machinePolicy", MACHINE).put("tenantPolicy", tenantSource);
        var tools = report.putArray("tools");
        tools.addObject().put("name", "fs.list").put("source", MACHINE + ", " + tenantSource);
        tools.addObject().put("name", "fs.read").put("source", MACHINE + ", " + tenantSource);
        report.putArray("commands");
        report.putArray("network");
        var blocked = report.putArray("blockedTools");
        blocked.addObject()
                .put("name", "fs.write")
                .put("reason", "the tool fs.write is not in the allowed tools of " + MACHINE);
        blocked.addObject()
                .put("name", "exec")
                .put("reason", "the tool exec is not in the allowed tools of " + tenantSource);
        return report;
    }

    static Browser viewer(String tenant) {
        return hub.signedIn(tenant, "viewer");
    }
}
