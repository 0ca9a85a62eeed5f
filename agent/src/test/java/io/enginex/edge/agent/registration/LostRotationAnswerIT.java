package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.connection.AccessTokens;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.ClientAssertion;
import io.enginex.edge.agent.identity.CurrentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.identity.PendingKey;
import io.enginex.edge.agent.testing.FakeHub;
import io.enginex.edge.agent.testing.TestIdentities;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubRefusedException;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key rotation whose answer is lost after the hub switched keys must not lock the agent out: the
 * new key is kept as pending beside the old one, and the next token request adopts whichever the hub
 * accepts. Against a hub that verifies the agent's signatures for real.
 */
class LostRotationAnswerIT {
    private static final String AGENT = "agt_rotating";

    @TempDir
    Path stateDir;

    private final MessageCodec codec = new MessageCodec();
    private final ClientAssertion assertions =
            new ClientAssertion(Clock.systemUTC(), new SecureRandom(), codec.mapper());
    private FakeHub hub;
    private HubClient client;
    private IdentityFile file;
    private AgentIdentity original;

    @BeforeEach
    void registered() {
        hub = new FakeHub();
        original = TestIdentities.create(AGENT, hub.url());
        hub.knowAgent(AGENT, original.publicKey());
        client = new HubClient(original.hub(), original.trust(), Map.of(), Duration.ofSeconds(5), codec.mapper());
        file = new IdentityFile(stateDir, codec.mapper());
        file.save(original);
    }

    @AfterEach
    void close() {
        client.close();
        hub.close();
    }

    private KeyRotation rotation() {
        return new KeyRotation(client, file, assertions, Clock.systemUTC());
    }

    private AccessTokens tokens() {
        return new AccessTokens(client, new CurrentIdentity(file, file.load()), assertions);
    }

    @Test
    void aLostAnswerKeepsBothKeysAndTheNextTokenRequestAdoptsTheOneTheHubSwitchedTo() {
        hub.loseRotationAnswers(true);

        assertThatThrownBy(() -> rotation().rotate(original))
                .isInstanceOf(RegistrationException.class)
                .hasMessageContaining("HTTP 502")
                .hasMessageContaining("both keys are kept");

        assertThat(file.load().fingerprint()).isEqualTo(original.fingerprint());
        PendingKey pending = file.loadPendingKey().orElseThrow();
        assertThat(AgentIdentity.fingerprint(hub.keyOf(AGENT))).isEqualTo(pending.fingerprint());

        assertThat(tokens().fetch()).startsWith("exa_");

        assertThat(file.load().fingerprint()).isEqualTo(pending.fingerprint());
        assertThat(file.load().keyCreatedAt()).isEqualTo(pending.createdAt());
        assertThat(file.loadPendingKey()).isEmpty();
    }

    @Test
    void aPendingKeyTheHubNeverTookLeavesTheCurrentKeyInUse() {
        PendingKey offered = PendingKey.of(TestIdentities.keyPair(), Instant.now());
        file.savePendingKey(original, offered); // the request never reached the hub

        assertThat(tokens().fetch()).startsWith("exa_");

        assertThat(file.load().fingerprint()).isEqualTo(original.fingerprint());
    }

    @Test
    void theNextRotationSettlesALostAnswerFirstAndRotatesFromTheKeyTheHubHolds() {
        hub.loseRotationAnswers(true);
        assertThatThrownBy(() -> rotation().rotate(original)).isInstanceOf(RegistrationException.class);
        PendingKey switchedTo = file.loadPendingKey().orElseThrow();
        hub.loseRotationAnswers(false);

        AgentIdentity rotated = rotation().rotate(file.load());

        assertThat(rotated.fingerprint())
                .isNotEqualTo(original.fingerprint())
                .isNotEqualTo(switchedTo.fingerprint())
                .isEqualTo(AgentIdentity.fingerprint(hub.keyOf(AGENT)))
                .isEqualTo(file.load().fingerprint());
        assertThat(file.loadPendingKey()).isEmpty();
        assertThat(tokens().fetch()).startsWith("exa_");
    }

    @Test
    void aRefusedRotationDropsThePendingKey() {
        hub.revoke(AGENT);

        assertThatThrownBy(() -> rotation().rotate(original))
                .isInstanceOf(RegistrationException.class)
                .hasMessageContaining("this agent was revoked");

        assertThat(file.loadPendingKey()).isEmpty();
        assertThat(file.load().fingerprint()).isEqualTo(original.fingerprint());
    }

    @Test
    void whenTheHubTakesNeitherKeyItsRefusalOfTheCurrentOneIsReported() {
        file.savePendingKey(original, PendingKey.of(TestIdentities.keyPair(), Instant.now()));
        hub.knowAgent(AGENT, TestIdentities.keyPair().getPublic()); // re-registered elsewhere

        assertThatThrownBy(() -> tokens().fetch())
                .isInstanceOfSatisfying(
                        HubRefusedException.class, e -> assertThat(e.code()).isEqualTo("assertion_invalid"));
        assertThat(file.load().fingerprint()).isEqualTo(original.fingerprint());
    }
}
