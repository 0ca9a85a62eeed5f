package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a load balancer ({@code --trusted-proxy}) the per-address limits count each client, and the
 * agent socket's connection history records it, named by the balancer's X-Forwarded-For; without it
 * the header changes nothing.
 */
class TrustedProxyIT {
    private static ApiClient.Response login(TestHub hub, String client) {
        return hub.api()
                .exchange(
                        "POST",
                        "/api/v1/login",
                        null,
                        Map.of("X-Forwarded-For", client),
                        Map.of("email", "nobody-" + TestHub.randomId("u") + "@example.com", "password", "wrong"));
    }

    @Test
    void behindATrustedBalancerEachClientHasItsOwnBudget(@TempDir Path dir) {
        try (TestHub hub = TestHub.start(
                dir,
                b -> b.rateLimits(2, 10_000).trustedProxies(TrustedProxies.trusting(List.of("127.0.0.1"))),
                Clock.systemUTC())) {
            assertThat(login(hub, "203.0.113.1").status()).isEqualTo(401);
            assertThat(login(hub, "203.0.113.1").status()).isEqualTo(401);
            assertThat(login(hub, "203.0.113.1").status())
                    .as("the first client spent its budget")
                    .isEqualTo(429);

            assertThat(login(hub, "203.0.113.2").status())
                    .as("another client behind the same balancer")
                    .isEqualTo(401);
        }
    }

    /** The address the agent's connection history records for a socket opened with {@code headers}. */
    private static String connectedFrom(TestHub hub, TestAgent agent, Map<String, String> headers) {
        String path = "/api/v1/tenants/" + agent.tenant() + "/agents/" + agent.agentId() + "/connections";
        try (AgentSocket socket = AgentSocket.open(hub.http(), hub.url(), hub.accessToken(agent), headers)) {
            socket.hello("fs.list");
            JsonNode recorded = await().until(
                            () -> hub.api().get(path, hub.platformKey()).body().path("connections"),
                            connections -> connections.size() == 1);
            return recorded.get(0).path("remoteAddress").asText();
        }
    }

    @Test
    void behindATrustedBalancerTheAgentSocketRecordsTheClient(@TempDir Path dir) {
        try (TestHub hub = TestHub.start(
                dir, b -> b.trustedProxies(TrustedProxies.trusting(List.of("127.0.0.1"))), Clock.systemUTC())) {
            TestAgent agent = hub.register(hub.newTenant());

            assertThat(connectedFrom(hub, agent, Map.of("X-Forwarded-For", "198.51.100.20, 203.0.113.7")))
                    .as("the right-most address the balancer was given")
                    .isEqualTo("203.0.113.7");
        }
    }

    @Test
    void withoutTrustTheAgentSocketRecordsThePeer(@TempDir Path dir) {
        try (TestHub hub = TestHub.start(dir)) {
            TestAgent agent = hub.register(hub.newTenant());

            assertThat(connectedFrom(hub, agent, Map.of("X-Forwarded-For", "203.0.113.7")))
                    .isEqualTo("127.0.0.1");
        }
    }

    @Test
    void withoutTrustTheHeaderCannotBuyAFreshBudget(@TempDir Path dir) {
        try (TestHub hub = TestHub.start(dir, b -> b.rateLimits(2, 10_000), Clock.systemUTC())) {
            assertThat(login(hub, "203.0.113.1").status()).isEqualTo(401);
            assertThat(login(hub, "203.0.113.2").status()).isEqualTo(401);

            assertThat(login(hub, "203.0.113.3").status())
                    .as("every attempt came from 127.0.0.1, whatever the header claimed")
                    .isEqualTo(429);
        }
    }
}
