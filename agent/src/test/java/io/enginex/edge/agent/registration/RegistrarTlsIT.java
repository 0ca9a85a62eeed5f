package io.enginex.edge.agent.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.HostInfo;
import io.enginex.edge.agent.identity.AgentIdentity;
import io.enginex.edge.agent.identity.IdentityFile;
import io.enginex.edge.agent.testing.TlsHub;
import io.enginex.edge.agent.transport.HubClient;
import io.enginex.edge.agent.transport.HubEndpoint;
import io.enginex.edge.agent.transport.TrustSettings;
import io.enginex.edge.protocol.MessageCodec;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration over real TLS: system trust refuses a self-signed hub; a pin or a CA file makes it work. */
class RegistrarTlsIT {
    @TempDir
    static Path keys;

    @TempDir
    Path stateDir;

    /** Certificate names another host than the one dialled: only a pin may skip that check. */
    private static TlsHub wrongName;

    /** Certificate for 127.0.0.1. */
    private static TlsHub rightName;

    private final MessageCodec codec = new MessageCodec();
    private final List<String> progress = new ArrayList<>();

    @BeforeAll
    static void startHubs() throws Exception {
        wrongName = new TlsHub(keys, "dns:hub.test");
        rightName = new TlsHub(keys, "ip:127.0.0.1");
    }

    @AfterAll
    static void stopHubs() {
        wrongName.close();
        rightName.close();
    }

    @Test
    void selfSignedHubIsRefusedBySystemTrustWithThePinHint() {
        assertThatThrownBy(() -> register(rightName, TrustSettings.system()))
                .isInstanceOf(RegistrationException.class)
                .hasMessageContaining("not trusted")
                .hasMessageContaining("--pin sha256:")
                .hasMessageContaining("--ca-file");
    }

    @Test
    void pinnedFingerprintIsTrustedEvenWhenTheNameDoesNotMatch() throws Exception {
        AgentIdentity identity = register(wrongName, new TrustSettings(wrongName.fingerprint(), null));
        assertThat(identity.agentId()).isEqualTo("agt_tls");
        assertThat(new IdentityFile(stateDir, codec.mapper()).load().trust().pin())
                .isEqualTo(wrongName.fingerprint());
    }

    @Test
    void pinInAnotherSpellingWorksToo() throws Exception {
        String lower = wrongName
                .fingerprint()
                .substring("sha256:".length())
                .replace(":", "")
                .toLowerCase();
        assertThat(register(wrongName, new TrustSettings(lower, null)).agentId())
                .isEqualTo("agt_tls");
    }

    @Test
    void wrongPinIsRefused() throws Exception {
        assertThatThrownBy(() -> register(rightName, new TrustSettings(wrongName.fingerprint(), null)))
                .isInstanceOf(RegistrationException.class)
                .hasMessageContaining("does not match --pin")
                .hasMessageContaining(rightName.fingerprint());
    }

    @Test
    void caFileIsTrustedWithHostNameVerification() throws Exception {
        Path pem = rightName.writePem(keys.resolve("right.pem"));
        assertThat(register(rightName, new TrustSettings(null, pem)).agentId()).isEqualTo("agt_tls");

        Path otherPem = wrongName.writePem(keys.resolve("wrong.pem"));
        assertThatThrownBy(() -> register(wrongName, new TrustSettings(null, otherPem)))
                .isInstanceOf(RegistrationException.class)
                .hasMessageContaining("not trusted");
    }

    private AgentIdentity register(TlsHub hub, TrustSettings trust) {
        try (HubClient client =
                new HubClient(HubEndpoint.parse(hub.url()), trust, Map.of(), Duration.ofSeconds(5), codec.mapper())) {
            return new Registrar(
                            client,
                            new IdentityFile(stateDir, codec.mapper()),
                            new HostInfo("Linux", "amd64", "lt-1", "test"),
                            Clock.systemUTC(),
                            progress::add)
                    .register("exr_tls", true);
        }
    }
}
