package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.server.HubException;
import io.enginex.edge.server.store.Agent;
import io.enginex.edge.server.testing.FakeAgentStore;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.FakeCredentialStore;
import io.enginex.edge.server.testing.InlineGroupCommit;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class AssertionVerifierTest {
    private final FakeClock clock = new FakeClock(Instant.parse("2026-11-26T10:00:00Z"));
    private final FakeAgentStore agents = new FakeAgentStore();
    private final AssertionVerifier verifier =
            new AssertionVerifier(agents, new FakeCredentialStore(), clock, TestHub.MAPPER, new InlineGroupCommit());
    private final TestAgent agent = newAgent("agt_one");

    private TestAgent newAgent(String id) {
        var keys = TestAgent.newKeyPair();
        agents.create(Agent.registered(
                id,
                "acme",
                TestAgent.publicKeyBase64(keys),
                "h",
                "Linux",
                "amd64",
                "1",
                List.of(),
                "rt_1",
                clock.instant()));
        return new TestAgent(id, "acme", keys);
    }

    private String signed(Instant iat, Duration lifetime) {
        return agent.assertion(iat, lifetime, TestAgent.newJti(), agent.keys().getPrivate());
    }

    private static String code(Runnable r) {
        try {
            r.run();
        } catch (HubException e) {
            return e.code();
        }
        throw new AssertionError("expected a refusal");
    }

    @Test
    void validAssertionNamesItsAgent() {
        assertThat(verifier.verify(signed(clock.instant(), Duration.ofSeconds(60)))
                        .id())
                .isEqualTo("agt_one");
    }

    @Test
    void sameAssertionTwiceIsAReplay() {
        String assertion = signed(clock.instant(), Duration.ofSeconds(60));
        verifier.verify(assertion);

        assertThat(code(() -> verifier.verify(assertion))).isEqualTo("assertion_replayed");
    }

    @Test
    void issuedTooFarInTheFutureIsClockSkewNamingHowFar() {
        assertThatThrownBy(() ->
                        verifier.verify(signed(clock.instant().plus(Duration.ofMinutes(7)), Duration.ofSeconds(60))))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.code()).isEqualTo("clock_skew"))
                .hasMessageContaining("7 min ahead");
    }

    @Test
    void slightlyAheadIsTolerated() {
        assertThat(verifier.verify(signed(clock.instant().plusSeconds(30), Duration.ofSeconds(60))))
                .isNotNull();
    }

    @Test
    void expiredIsClockSkewBehind() {
        assertThatThrownBy(() ->
                        verifier.verify(signed(clock.instant().minus(Duration.ofMinutes(10)), Duration.ofSeconds(60))))
                .isInstanceOfSatisfying(
                        HubException.class, e -> assertThat(e.code()).isEqualTo("clock_skew"))
                .hasMessageContaining("10 min behind");
    }

    @Test
    void lifetimeOverFiveMinutesIsInvalid() {
        assertThat(code(() -> verifier.verify(signed(clock.instant(), Duration.ofMinutes(6)))))
                .isEqualTo("assertion_invalid");
    }

    @Test
    void wrongKeyIsInvalid() {
        String forged = agent.assertion(
                clock.instant(),
                Duration.ofSeconds(60),
                TestAgent.newJti(),
                TestAgent.newKeyPair().getPrivate());

        assertThat(code(() -> verifier.verify(forged))).isEqualTo("assertion_invalid");
    }

    @Test
    void algNoneIsInvalid() {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = clock.instant().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(("{\"iss\":\"agt_one\",\"sub\":\"agt_one\",\"aud\":\"enginex-hub\",\"iat\":"
                        + now + ",\"exp\":" + (now + 60) + ",\"jti\":\"" + TestAgent.newJti() + "\"}")
                .getBytes(StandardCharsets.UTF_8));

        assertThat(code(() -> verifier.verify(header + "." + claims + "."))).isEqualTo("assertion_invalid");
    }

    @Test
    void tamperedClaimsAreInvalid() {
        String[] parts = signed(clock.instant(), Duration.ofSeconds(60)).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("enginex-hub", "enginex-huc");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(claims.getBytes(StandardCharsets.UTF_8)) + "."
                + parts[2];

        assertThat(code(() -> verifier.verify(tampered))).isEqualTo("assertion_invalid");
    }

    @Test
    void anotherAgentsNameWithItsOwnKeyIsInvalid() {
        TestAgent other = newAgent("agt_two");
        String impersonation = new TestAgent("agt_one", "acme", other.keys())
                .assertion(
                        clock.instant(),
                        Duration.ofSeconds(60),
                        TestAgent.newJti(),
                        other.keys().getPrivate());

        assertThat(code(() -> verifier.verify(impersonation))).isEqualTo("assertion_invalid");
    }

    @Test
    void unknownAgentAndGarbageAreRefused() {
        TestAgent stranger = new TestAgent("agt_stranger", "acme", TestAgent.newKeyPair());

        assertThat(code(() -> verifier.verify(stranger.assertion()))).isEqualTo("agent_unknown");
        assertThat(code(() -> verifier.verify("not.a.jwt"))).isEqualTo("assertion_invalid");
        assertThat(code(() -> verifier.verify("x".repeat(10_000)))).isEqualTo("assertion_invalid");
    }

    @Test
    void revokedAgentIsRefusedAfterItsSignatureChecks() {
        agents.revoke("acme", "agt_one", clock.instant());

        assertThat(code(() -> verifier.verify(signed(clock.instant(), Duration.ofSeconds(60)))))
                .isEqualTo("agent_revoked");
    }

    @Test
    void shortJtiIsInvalid() {
        String weak = agent.assertion(
                clock.instant(), Duration.ofSeconds(60), "abc", agent.keys().getPrivate());

        assertThat(code(() -> verifier.verify(weak))).isEqualTo("assertion_invalid");
    }
}
