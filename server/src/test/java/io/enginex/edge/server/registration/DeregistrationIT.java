package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An agent deregistering itself with a signed assertion: revoked, disconnected, audited; nobody else's. */
class DeregistrationIT {
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

    static Response deregister(String assertion) {
        return hub.api().post("/api/v1/agent/deregister", null, Map.of("assertion", assertion));
    }

    @Test
    void aDeregisteredAgentIsDisconnectedShownDeregisteredAuditedAndCannotConnectAgain() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            Response r = deregister(agent.assertion());

            assertThat(r.status()).as(r.text()).isEqualTo(200);
            assertThat(r.get("agentId")).isEqualTo(agent.agentId());
            assertThat(r.get("tenant")).isEqualTo(tenant);
            assertThat(socket.awaitClose(Duration.ofSeconds(5))).isEqualTo(Protocol.CLOSE_REVOKED);
        }
        JsonNode view = hub.api()
                .get("/api/v1/tenants/" + tenant + "/agents/" + agent.agentId(), hub.platformKey())
                .body();
        Response again = hub.requestAccessToken(agent.assertion());
        Response twice = deregister(agent.assertion());
        JsonNode event = hub.api()
                .get("/api/v1/tenants/" + tenant + "/audit?type=agent.deregistered", hub.platformKey())
                .body()
                .path("events")
                .get(0);

        assertThat(view.hasNonNull("revokedAt")).isTrue();
        assertThat(view.get("deregisteredAt").asText())
                .isEqualTo(view.get("revokedAt").asText());
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.code()).isEqualTo("agent_revoked");
        assertThat(twice.code()).isEqualTo("agent_revoked");
        assertThat(event.path("actor").path("type").asText()).isEqualTo("agent");
        assertThat(event.path("target").path("id").asText()).isEqualTo(agent.agentId());
    }

    @Test
    void anAssertionDeregistersOnlyTheAgentWhoseKeySignedIt() {
        String tenantA = hub.newTenant();
        String tenantB = hub.newTenant();
        TestAgent a = hub.register(tenantA);
        TestAgent b = hub.register(tenantB);
        // A's key signing an assertion that claims to be B: refused, and B stays.
        TestAgent forged = new TestAgent(b.agentId(), tenantB, a.keys());

        Response r = deregister(forged.assertion());
        Response garbage = deregister("not-a-jwt");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("assertion_invalid");
        assertThat(garbage.status()).isEqualTo(401);
        assertThat(hub.accessToken(b)).startsWith("exa_");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenantB + "/agents/" + b.agentId(), hub.platformKey())
                        .body()
                        .hasNonNull("revokedAt"))
                .isFalse();
    }
}
