package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A reinstalled machine (same hashed machine id) is recognised and its old agent marked replaced. */
class ReinstalledMachineIT {
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

    static Response register(String tenant, String machineId) {
        return hub.api()
                .post(
                        "/api/v1/agent/register",
                        null,
                        Map.of(
                                "token",
                                hub.newToken(tenant, Map.of()),
                                "publicKey",
                                TestAgent.publicKeyBase64(TestAgent.newKeyPair()),
                                "hostname",
                                "laptop-17",
                                "os",
                                "Linux",
                                "machineId",
                                machineId));
    }

    @Test
    void enrollingAgainFromTheSameMachineMarksTheOldAgentReplaced() {
        String tenant = hub.newTenant();
        String other = hub.newTenant();
        String machine = "a".repeat(64);
        String first = register(tenant, machine).get("agentId");
        Response second = register(tenant, machine);
        String elsewhere = register(other, machine).get("agentId");

        var old = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + first, hub.platformKey());
        var now = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + second.get("agentId"), hub.platformKey());
        var otherTenant = hub.api().get("/api/v1/tenants/" + other + "/agents/" + elsewhere, hub.platformKey());

        assertThat(second.body().path("replaced").toString()).isEqualTo("[\"" + first + "\"]");
        assertThat(old.body().path("machine").path("replacedBy").asText()).isEqualTo(second.get("agentId"));
        assertThat(now.body().path("machine").path("sameMachine").toString()).isEqualTo("[\"" + first + "\"]");
        assertThat(now.body().path("machine").path("replacedBy").isTextual()).isFalse();
        assertThat(otherTenant.body().path("machine").path("sameMachine"))
                .as("never across tenants")
                .isEmpty();
    }

    @Test
    void agentsWithoutOrWithAMalformedMachineIdAreNotLinked() {
        String tenant = hub.newTenant();
        Response bad = register(tenant, "not-a-hash");
        var shown = hub.api().get("/api/v1/tenants/" + tenant + "/agents/" + bad.get("agentId"), hub.platformKey());

        assertThat(bad.status()).isEqualTo(201);
        assertThat(bad.body().path("replaced")).isEmpty();
        assertThat(shown.body().has("machine")).isFalse();
        assertThat(List.of(hub.register(tenant).agentId())).hasSize(1);
    }
}
