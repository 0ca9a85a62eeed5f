package io.enginex.edge.server.registration;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access-token endpoint's limits through the real hub, every request from one address (as a fleet
 * behind one NAT): granted tokens spend their agent's budget, refused requests the address's.
 */
class AccessTokenLimitIT {
    @TempDir
    Path dir;

    @Test
    void aFleetBehindOneAddressGetsItsTokensBeyondTheAddressBudget() {
        try (TestHub hub = TestHub.start(dir, b -> b.rateLimits(1_000, 3), Clock.systemUTC())) {
            String tenant = hub.newTenant();
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                statuses.add(
                        hub.requestAccessToken(hub.register(tenant).assertion()).status());
            }

            assertThat(statuses).as("ten agents, an address budget of three").containsOnly(200);
        }
    }

    @Test
    void refusedRequestsSpendTheAddressBudgetAndThenEvenAValidOneIsRefused() {
        try (TestHub hub = TestHub.start(dir, b -> b.rateLimits(1_000, 3), Clock.systemUTC())) {
            TestAgent agent = hub.register(hub.newTenant());
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                statuses.add(hub.requestAccessToken("not.an.assertion").status());
            }
            var valid = hub.requestAccessToken(agent.assertion());

            assertThat(statuses).containsExactly(401, 401, 401, 429);
            assertThat(valid.status()).as("refused before any work").isEqualTo(429);
            assertThat(valid.headers().firstValue("Retry-After")).isPresent();
        }
    }

    @Test
    void oneAgentGetsAtMostItsOwnBudgetOfTokensAMinute() {
        // The hub's clock stands still, so the budget does not refill while the requests run.
        try (TestHub hub = TestHub.start(dir, b -> b.rateLimits(1_000, 3), new FakeClock(Instant.now()))) {
            String tenant = hub.newTenant();
            TestAgent agent = hub.register(tenant);
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i <= AccessTokens.PER_AGENT_PER_MINUTE; i++) {
                statuses.add(hub.requestAccessToken(agent.assertion()).status());
            }

            assertThat(statuses.subList(0, AccessTokens.PER_AGENT_PER_MINUTE)).containsOnly(200);
            assertThat(statuses.getLast()).isEqualTo(429);
            assertThat(hub.requestAccessToken(hub.register(tenant).assertion()).status())
                    .as("another agent at the same address is not held back")
                    .isEqualTo(200);
        }
    }
}
