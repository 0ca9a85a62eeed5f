package io.enginex.edge.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub nodes on one PostgreSQL database ({@link TestCluster}), as two nodes behind a load
 * balancer: an address that spent its budget on one node is refused on the other. The nodes share a
 * clock that stands still, so no budget refills while a test runs.
 */
class ClusterRateLimitsIT {
    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(Instant.now());
    private TestCluster cluster;
    private TestHub nodeA;
    private TestHub nodeB;

    @BeforeEach
    void start() {
        cluster = new TestCluster(dir);
        nodeA = cluster.start("node-a", b -> b.rateLimits(3, 3), clock);
        nodeB = cluster.start("node-b", b -> b.rateLimits(3, 3), clock);
    }

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void anAddressThatSpentItsRegistrationBudgetOnNodeAIsRefusedOnNodeB() {
        List<Integer> onA = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onA.add(nodeA.registerWith("rt_guessed" + i, TestAgent.newKeyPair()).status());
        }

        ApiClient.Response onB = nodeB.registerWith("rt_guessed", TestAgent.newKeyPair());

        assertThat(onA).doesNotContain(429);
        assertThat(onB.status()).as(onB.text()).isEqualTo(429);
        assertThat(onB.code()).isEqualTo("rate_limited");
        assertThat(onB.headers().firstValue("Retry-After")).hasValue("20");
        assertThat(nodeA.registerWith("rt_guessed", TestAgent.newKeyPair()).status())
                .isEqualTo(429);
    }

    @Test
    void refusedAccessTokenRequestsOnNodeBCloseTheAddressOnNodeA() {
        TestAgent agent = nodeA.register(nodeA.newTenant());
        List<Integer> onB = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            onB.add(nodeB.requestAccessToken("not.an.assertion").status());
        }

        ApiClient.Response onA = nodeA.requestAccessToken(agent.assertion());

        assertThat(onB).containsExactly(401, 401, 401);
        assertThat(onA.status()).as("refused before any work: " + onA.text()).isEqualTo(429);
    }
}
