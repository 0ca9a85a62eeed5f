package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.config.TlsConfig;
import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.Balancer;
import io.enginex.edge.server.testing.DeployGuide;
import io.enginex.edge.server.testing.RecordingTrustManager;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS passthrough with the PROXY protocol ({@code engine serve --proxy-protocol}): the real HAProxy
 * (Debian's package) runs docs/DEPLOY.md's TCP-mode frontend and backend, {@code send-proxy-v2}
 * included, in front of an in-JVM hub that serves TLS itself and trusts 127.0.0.1, HAProxy's address.
 * The clients connect from other loopback addresses (127.0.0.2, 127.0.0.3), so the address the hub
 * sees tells whether it read the header: the balancer's would be 127.0.0.1.
 *
 * <p>A second frontend of the same HAProxy connects to the hub from 127.0.0.2, which is not trusted,
 * and sends the header too: the hub must not believe it.
 */
class ProxyProtocolIT {
    private static final String BALANCER = "127.0.0.1";
    private static final String CLIENT_A = "127.0.0.2";
    private static final String CLIENT_B = "127.0.0.3";

    @TempDir
    static Path dir;

    private static TestHub hub;
    private static Balancer haproxy;
    private static int passthrough;
    private static int untrusted;

    @BeforeAll
    static void start() throws Exception {
        var config = TestHub.defaults(dir.resolve("hub"))
                .tls(TlsConfig.selfSigned())
                .rateLimits(2, 10_000)
                .trustedProxies(TrustedProxies.trusting(List.of(BALANCER)))
                .proxyProtocol(true)
                .build();
        // The test's own calls go straight to the hub, trusting the certificate it made.
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new RecordingTrustManager()}, null);
        hub = TestHub.start(config, HttpClient.newBuilder().sslContext(any).build());
        passthrough = Balancer.freePort();
        untrusted = Balancer.freePort();
        Path cfg = dir.resolve("haproxy.cfg");
        Files.writeString(cfg, haproxyConfig(hub.hub().port()), StandardCharsets.UTF_8);
        Path binary = Balancer.binary("haproxy", "haproxy");
        haproxy = Balancer.start(
                "haproxy",
                List.of(binary.toString(), "-db", "-f", cfg.toString()),
                dir.resolve("haproxy.log"),
                () -> readyThroughBalancer(Balancer.clientFrom(CLIENT_A, hub)));
    }

    @AfterAll
    static void stop() {
        if (haproxy != null) {
            haproxy.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /**
     * DEPLOY.md's passthrough frontend and backend on a free port, in front of the one hub; the test's
     * own global and defaults sections (no syslog, no stats socket); and a frontend whose backend
     * connects from an address the hub does not trust.
     */
    private static String haproxyConfig(int hubPort) {
        String fromGuide = DeployGuide.snippet("send-proxy-v2")
                .replace("bind :443", "bind " + BALANCER + ":" + passthrough)
                .withoutLinesContaining("server hub-")
                .text();
        return """
                global
                    log stdout format raw local0 info

                defaults
                    mode http
                    log global
                    timeout connect 2s
                    timeout client 90s
                    timeout server 90s
                    timeout tunnel 1h
                    timeout check 3s

                %s    server hub-1 127.0.0.1:%d

                frontend untrusted
                    mode tcp
                    bind %s:%d
                    default_backend untrusted

                backend untrusted
                    mode tcp
                    server hub-1 127.0.0.1:%d source %s send-proxy-v2
                """.formatted(fromGuide, hubPort, BALANCER, untrusted, hubPort, CLIENT_A);
    }

    private static String url(int port) {
        return "https://" + BALANCER + ":" + port;
    }

    private static boolean readyThroughBalancer(HttpClient client) {
        try {
            return client.send(
                                    HttpRequest.newBuilder(URI.create(url(passthrough) + "/readyz"))
                                            .build(),
                                    HttpResponse.BodyHandlers.discarding())
                            .statusCode()
                    == 200;
        } catch (IOException e) {
            return false; // HAProxy has not counted the node up yet: it closes the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static ApiClient.Response login(String from) {
        return new ApiClient(url(passthrough), Balancer.clientFrom(from, hub), TestHub.MAPPER)
                .post(
                        "/api/v1/login",
                        null,
                        Map.of("email", "nobody-" + TestHub.randomId("u") + "@example.com", "password", "wrong"));
    }

    @Test
    void eachClientBehindThePassthroughBalancerHasItsOwnLoginBudget() {
        assertThat(login(CLIENT_A).status()).isEqualTo(401);
        assertThat(login(CLIENT_A).status()).isEqualTo(401);
        assertThat(login(CLIENT_A).status())
                .as("the first client spent its budget of 2 a minute")
                .isEqualTo(429);

        assertThat(login(CLIENT_B).status())
                .as("another client through the same balancer (without the header both would be 127.0.0.1)")
                .isEqualTo(401);
    }

    @Test
    void theAgentsConnectionHistoryNamesTheClientBehindTheBalancer() {
        TestAgent agent = hub.register(hub.newTenant());
        String path = "/api/v1/tenants/" + agent.tenant() + "/agents/" + agent.agentId() + "/connections";

        try (AgentSocket socket =
                AgentSocket.open(Balancer.clientFrom(CLIENT_B, hub), url(passthrough), hub.accessToken(agent))) {
            socket.hello("fs.list");
            JsonNode connections = await().until(
                            () -> hub.api().get(path, hub.platformKey()).body().path("connections"),
                            recorded -> recorded.size() == 1);

            assertThat(connections.get(0).path("remoteAddress").asText()).isEqualTo(CLIENT_B);
        }
    }

    @Test
    void aProxyHeaderFromAnAddressThatIsNotTrustedIsRefused() throws Exception {
        HttpRequest health =
                HttpRequest.newBuilder(URI.create(url(untrusted) + "/healthz")).build();

        assertThatThrownBy(
                        () -> Balancer.clientFrom(CLIENT_B, hub).send(health, HttpResponse.BodyHandlers.discarding()))
                .as("the hub took the header from 127.0.0.2 for the start of a TLS handshake and failed it")
                .isInstanceOf(IOException.class);
        // The same address without a header is an ordinary client, served directly.
        HttpRequest direct =
                HttpRequest.newBuilder(URI.create(hub.url() + "/healthz")).build();
        assertThat(Balancer.clientFrom(CLIENT_A, hub)
                        .send(direct, HttpResponse.BodyHandlers.discarding())
                        .statusCode())
                .isEqualTo(200);
        assertThat(haproxy.isAlive()).isTrue();
    }
}
