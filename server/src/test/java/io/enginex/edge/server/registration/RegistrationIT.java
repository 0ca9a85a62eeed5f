package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.protocol.Welcome;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ShiftableClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration tokens, agent registration, assertions, access tokens and the upgrade, end to end. */
class RegistrationIT {
    @TempDir
    static Path dir;

    static ShiftableClock clock = new ShiftableClock();
    static TestHub hub;
    static String tenant;

    @BeforeAll
    static void start() {
        hub = TestHub.start(dir, b -> {}, clock);
        tenant = hub.newTenant();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void tokenRegistersAnAgentWithItsLabelsAndIsThenUsedUp() {
        String token = hub.newToken(tenant, Map.of("labels", List.of("finance", "emea")));

        var first = hub.registerWith(token, TestAgent.newKeyPair());
        var second = hub.registerWith(token, TestAgent.newKeyPair());

        assertThat(first.status()).isEqualTo(201);
        assertThat(first.get("agentId")).startsWith("agt_");
        assertThat(first.get("tenant")).isEqualTo(tenant);
        assertThat(first.body().get("labels").toString()).isEqualTo("[\"finance\",\"emea\"]");
        assertThat(second.status()).isEqualTo(401);
        assertThat(second.code()).isEqualTo("token_used");
    }

    @Test
    void unknownAndRevokedTokensAreRefused() {
        var unknown = hub.registerWith("exr_doesnotexist", TestAgent.newKeyPair());
        var created = hub.api().post("/api/v1/tenants/" + tenant + "/registration-tokens", hub.platformKey(), Map.of());
        var delete = hub.api()
                .delete("/api/v1/tenants/" + tenant + "/registration-tokens/" + created.get("id"), hub.platformKey());
        var revoked = hub.registerWith(created.get("token"), TestAgent.newKeyPair());
        var listed = hub.api().get("/api/v1/tenants/" + tenant + "/registration-tokens", hub.platformKey());

        assertThat(created.get("id")).startsWith("rt_");
        assertThat(delete.status()).isEqualTo(204);
        assertThat(unknown.status()).isEqualTo(401);
        assertThat(unknown.code()).isEqualTo("token_unknown");
        assertThat(revoked.status()).isEqualTo(401);
        assertThat(revoked.code()).isEqualTo("token_revoked");
        assertThat(listed.text())
                .doesNotContain("exr_")
                .contains(created.get("id"))
                .contains("revokedAt");
    }

    @Test
    void expiredTokenIsRefused() {
        String token = hub.newToken(tenant, Map.of("ttlSeconds", 60));
        clock.shift(Duration.ofSeconds(61));
        try {
            var r = hub.registerWith(token, TestAgent.newKeyPair());

            assertThat(r.status()).isEqualTo(401);
            assertThat(r.code()).isEqualTo("token_expired");
        } finally {
            clock.shift(Duration.ofSeconds(-61));
        }
    }

    @Test
    void aKeyThatIsNotEd25519IsABadRequestAndDoesNotSpendTheToken() throws Exception {
        String token = hub.newToken(tenant, Map.of());
        KeyPair ec = KeyPairGenerator.getInstance("EC").generateKeyPair();
        var r = hub.api()
                .post(
                        "/api/v1/agent/register",
                        null,
                        Map.of(
                                "token",
                                token,
                                "publicKey",
                                Base64.getEncoder()
                                        .encodeToString(ec.getPublic().getEncoded()),
                                "hostname",
                                "h"));

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.code()).isEqualTo("bad_request");
        assertThat(r.message()).contains("Ed25519");
        assertThat(hub.registerWith(token, TestAgent.newKeyPair()).status()).isEqualTo(201);
    }

    @Test
    void tokenBoundsAreChecked() {
        var tooShort = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/registration-tokens",
                        hub.platformKey(),
                        Map.of("ttlSeconds", 10));
        var tooMany = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/registration-tokens",
                        hub.platformKey(),
                        Map.of("maxUses", 10_001));
        var wrongType = hub.api()
                .post(
                        "/api/v1/tenants/" + tenant + "/registration-tokens",
                        hub.platformKey(),
                        Map.of("maxUses", "many"));

        assertThat(tooShort.status()).isEqualTo(400);
        assertThat(tooShort.message()).contains("ttlSeconds");
        assertThat(tooMany.status()).isEqualTo(400);
        assertThat(tooMany.message()).contains("maxUses");
        assertThat(wrongType.status()).isEqualTo(400);
        assertThat(wrongType.message()).contains("maxUses must be a whole number");
    }

    @Test
    void assertionBuysAnAccessTokenThatOpensTheSocketOnce() {
        TestAgent agent = hub.register(tenant);
        var token = hub.requestAccessToken(agent.assertion());

        assertThat(token.status()).isEqualTo(200);
        assertThat(token.get("accessToken")).startsWith("exa_");
        assertThat(token.get("tokenType")).isEqualTo("Bearer");
        assertThat(token.body().get("expiresIn").asInt()).isEqualTo(60);

        try (AgentSocket socket = AgentSocket.open(hub.http(), hub.url(), token.get("accessToken"))) {
            Welcome welcome = socket.hello("fs.list");
            assertThat(welcome.agentId()).isEqualTo(agent.agentId());
            assertThat(welcome.tenant()).isEqualTo(tenant);
            assertThat(welcome.heartbeatMillis()).isEqualTo(15_000);
            assertThat(welcome.hubNode()).isEqualTo("test-hub");
        }
        assertThatThrownBy(() -> AgentSocket.open(hub.http(), hub.url(), token.get("accessToken")))
                .isInstanceOf(CompletionException.class)
                .cause()
                .isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    }

    @Test
    void upgradeWithoutTokenIsRefusedBeforeUpgrading() {
        assertThatThrownBy(() -> AgentSocket.open(hub.http(), hub.url(), "exa_nonsense"))
                .cause()
                .isInstanceOfSatisfying(
                        WebSocketHandshakeException.class,
                        e -> assertThat(e.getResponse().statusCode()).isEqualTo(401));
    }

    @Test
    void replayedAssertionIsRefused() {
        TestAgent agent = hub.register(tenant);
        String assertion = agent.assertion();

        assertThat(hub.requestAccessToken(assertion).status()).isEqualTo(200);
        var again = hub.requestAccessToken(assertion);
        assertThat(again.status()).isEqualTo(401);
        assertThat(again.code()).isEqualTo("assertion_replayed");
    }

    @Test
    void assertionFromTheFutureNamesTheSkew() {
        TestAgent agent = hub.register(tenant);
        var r = hub.requestAccessToken(agent.assertion(
                Instant.now().plus(Duration.ofMinutes(7)),
                Duration.ofSeconds(60),
                TestAgent.newJti(),
                agent.keys().getPrivate()));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("clock_skew");
        assertThat(r.message()).contains("7 min ahead");
    }

    @Test
    void assertionSignedWithAnotherKeyIsInvalid() {
        TestAgent agent = hub.register(tenant);
        var r = hub.requestAccessToken(agent.assertion(
                Instant.now(),
                Duration.ofSeconds(60),
                TestAgent.newJti(),
                TestAgent.newKeyPair().getPrivate()));

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.code()).isEqualTo("assertion_invalid");
    }
}
