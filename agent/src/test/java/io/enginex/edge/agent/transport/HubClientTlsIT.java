package io.enginex.edge.agent.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.enginex.edge.agent.testing.TlsHub;
import io.enginex.edge.protocol.MessageCodec;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub host name with several DNS records is dialled at one chosen address ({@link HubTarget} with
 * an address): the request goes to that IP, and TLS still names the host, so a certificate issued for
 * the host name (and not for the IP) is verified against the name. A real TLS server on loopback with
 * a certificate for {@code hub.test} only; the names are never looked up.
 */
class HubClientTlsIT {
    @TempDir
    static Path keys;

    private static TlsHub hub;
    private static Path ca;

    private final MessageCodec codec = new MessageCodec();

    @BeforeAll
    static void start() throws Exception {
        hub = new TlsHub(keys, "dns:hub.test");
        ca = hub.writePem(keys.resolve("hub.pem"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void anAddressIsDialledWithTheHostNameVerified() throws Exception {
        HubTarget target = target("hub.test");
        try (HubClient client = client("hub.test")) {
            assertThat(client.postJson(target, "/api/v1/agent/register", Map.of())
                            .path("agentId")
                            .asText())
                    .isEqualTo("agt_tls");
        }
    }

    @Test
    void aCertificateForAnotherNameIsStillRefused() throws Exception {
        HubTarget target = target("other.test");
        try (HubClient client = client("other.test")) {
            assertThatThrownBy(() -> client.postJson(target, "/api/v1/agent/register", Map.of()))
                    .isInstanceOfSatisfying(
                            HubUnreachableException.class,
                            e -> assertThat(e.tls()).isTrue())
                    .hasMessageContaining("other.test")
                    .hasMessageContaining("127.0.0.1");
        }
    }

    @Test
    void aClientWithSeveralAddressesFallsBackOnTheNextWhenOneDoesNotAnswer() throws Exception {
        int port = URI.create(hub.url()).getPort();
        HubAddresses hubs = HubAddresses.parse("https://127.0.0.1:1,https://127.0.0.1:" + port);
        try (HubClient client = new HubClient(
                hubs, new TrustSettings(hub.fingerprint(), null), Map.of(), Duration.ofSeconds(5), codec.mapper())) {
            assertThat(client.postJson("/api/v1/agent/register", Map.of())
                            .path("agentId")
                            .asText())
                    .isEqualTo("agt_tls");
            // The next call starts at the address that answered.
            assertThat(client.endpoint()).isEqualTo(hubs.all().get(1));
        }
    }

    private static HubTarget target(String name) throws Exception {
        int port = URI.create(hub.url()).getPort();
        return new HubTarget(
                HubEndpoint.parse("https://" + name + ":" + port),
                InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1}));
    }

    private HubClient client(String name) {
        int port = URI.create(hub.url()).getPort();
        return new HubClient(
                HubEndpoint.parse("https://" + name + ":" + port),
                new TrustSettings(null, ca),
                Map.of(),
                Duration.ofSeconds(5),
                codec.mapper());
    }
}
