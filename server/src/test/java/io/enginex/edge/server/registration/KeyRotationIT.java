package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Agent-initiated key rotation: signed by the old key, proven by the new one. */
class KeyRotationIT {
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

    static Response rotate(String assertion, KeyPair newKeys, String proof) {
        return hub.api()
                .post(
                        "/api/v1/agent/rotate-key",
                        null,
                        Map.of(
                                "assertion",
                                assertion,
                                "newPublicKey",
                                TestAgent.publicKeyBase64(newKeys),
                                "proof",
                                proof));
    }

    @Test
    void rotatedKeyWorksTheOldOneNoLongerDoesAndTheRotationIsAudited() {
        String tenant = hub.newTenant();
        TestAgent old = hub.register(tenant);
        KeyPair newKeys = TestAgent.newKeyPair();
        TestAgent rotated = new TestAgent(old.agentId(), tenant, newKeys);

        Response r = rotate(old.assertion(), newKeys, rotated.assertion());
        Response withOld = hub.requestAccessToken(old.assertion());
        var audit = hub.api().get("/api/v1/tenants/" + tenant + "/audit?type=agent-key.rotated", hub.platformKey());

        assertThat(r.status()).as(r.text()).isEqualTo(200);
        assertThat(r.get("keyFingerprint"))
                .isEqualTo(io.enginex.edge.protocol.KeyFingerprint.ofBase64(TestAgent.publicKeyBase64(newKeys)));
        assertThat(hub.accessToken(rotated)).startsWith("exa_");
        assertThat(withOld.status()).isEqualTo(401);
        assertThat(withOld.code()).isEqualTo("assertion_invalid");
        var event = audit.body().path("events").get(0);
        assertThat(event.path("actor").path("type").asText()).isEqualTo("agent");
        assertThat(event.path("details").path("newKeyFingerprint").asText()).isEqualTo(r.get("keyFingerprint"));
    }

    @Test
    void aProofNotSignedByTheNewKeyIsRefusedAndTheKeyStays() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        KeyPair claimed = TestAgent.newKeyPair();
        TestAgent signedByOther = new TestAgent(agent.agentId(), tenant, TestAgent.newKeyPair());

        Response r = rotate(agent.assertion(), claimed, signedByOther.assertion());

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("assertion_invalid");
        assertThat(hub.accessToken(agent)).startsWith("exa_");
    }

    @Test
    void aReplayedRotationAndARevokedAgentAreRefused() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        String assertion = agent.assertion();
        KeyPair first = TestAgent.newKeyPair();
        assertThat(rotate(assertion, first, new TestAgent(agent.agentId(), tenant, first).assertion())
                        .status())
                .isEqualTo(200);
        KeyPair second = TestAgent.newKeyPair();

        Response replay = rotate(assertion, second, new TestAgent(agent.agentId(), tenant, second).assertion());
        TestAgent current = new TestAgent(agent.agentId(), tenant, first);
        hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/revoke",
                        hub.platformKey(),
                        Map.of());
        Response revoked =
                rotate(current.assertion(), second, new TestAgent(agent.agentId(), tenant, second).assertion());

        assertThat(replay.status()).isEqualTo(401);
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("agent_revoked");
    }
}
