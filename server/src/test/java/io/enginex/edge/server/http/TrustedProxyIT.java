package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behind a load balancer ({@code --trusted-proxy}) the per-address limits count each client, named
 * by the balancer's X-Forwarded-For; without it the header changes nothing.
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
