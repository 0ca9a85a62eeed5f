package io.enginex.edge.server.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.enginex.edge.server.Hub;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.FakeClock;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two hub nodes in this JVM on one PostgreSQL database (127.0.0.1:5432, user postgres, as CI starts
 * it), made for each test and dropped afterwards, as two nodes behind a load balancer: an address
 * that spent its budget on node A is refused on node B. The nodes' clock stands still, so no budget
 * refills while a test runs.
 */
class ClusterRateLimitsIT {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @TempDir
    Path dir;

    private final String database =
            TestHub.randomId("ratelimit_it").replace('-', '_').toLowerCase(Locale.ROOT);
    private final FakeClock clock = new FakeClock(Instant.now());
    private final List<TestHub> nodes = new ArrayList<>();

    @BeforeEach
    void createDatabase() {
        admin("CREATE DATABASE " + database);
    }

    @AfterEach
    void stop() {
        try {
            nodes.forEach(TestHub::close);
        } finally {
            admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** Starts a node; nodes after the first get its hub secret and platform key, as an operator copies them. */
    private TestHub node(String name) throws IOException {
        Path data = Files.createDirectories(dir.resolve(name));
        if (!nodes.isEmpty()) {
            Path first = nodes.getFirst().hub().config().dataDir();
            for (String file : List.of("hub.secret", Hub.ADMIN_KEY_FILE)) {
                Files.copy(first.resolve(file), data.resolve(file));
            }
        }
        TestHub hub = TestHub.start(
                data,
                b -> b.database(DatabaseConfig.of(SERVER + database, "postgres", ""))
                        .nodeName(name)
                        .rateLimits(3, 3),
                clock);
        nodes.add(hub);
        return hub;
    }

    private static void admin(String sql) {
        try (Connection c = DriverManager.getConnection(SERVER + "test", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new AssertionError(
                    "PostgreSQL is needed at 127.0.0.1:5432 (user postgres, database test): " + e.getMessage()
                            + ". Start it (scripts/check-postgres.sh), then run again.",
                    e);
        }
    }

    @Test
    void anAddressThatSpentItsRegistrationBudgetOnNodeAIsRefusedOnNodeB() throws IOException {
        TestHub nodeA = node("node-a");
        TestHub nodeB = node("node-b");
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
    void refusedAccessTokenRequestsOnNodeBCloseTheAddressOnNodeA() throws IOException {
        TestHub nodeA = node("node-a");
        TestHub nodeB = node("node-b");
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
