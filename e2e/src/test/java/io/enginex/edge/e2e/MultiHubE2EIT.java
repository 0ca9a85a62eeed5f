package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.protocol.RestartNotice;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub of two nodes (two {@code engine serve} processes on one PostgreSQL database, one certificate)
 * with no load balancer, and a real agent given every address plus one where nothing listens: it
 * passes over the dead address at once, without its backoff; when the node it is on stops (restart
 * notice) it moves to the other node, which its status then names; when the list is changed by {@code
 * enginex-agent identity hubs --set} while it runs, it leaves a node no longer listed for the new list,
 * without a restart; when a node is killed it moves too.
 */
class MultiHubE2EIT {
    private static final String SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    @TempDir
    Path tmp;

    private final String database =
            "enginex_multihub_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeEach
    void createDatabase() {
        try {
            admin("CREATE DATABASE " + database);
        } catch (SQLException e) {
            Assumptions.abort("no PostgreSQL at 127.0.0.1:5432 (user postgres, trust): " + e.getMessage());
        }
    }

    @AfterEach
    void dropDatabase() throws SQLException {
        admin("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
    }

    @Test
    void theAgentSkipsADeadAddressAtOnceAndMovesToTheOtherNodeWhenItsNodeStops() throws Exception {
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        Path root = Files.createDirectories(tmp.resolve("files"));
        String dbUrl = SERVER + database;
        // Each node logs in a folder of its own (both would write hub-1.log).
        Path logsOne = Files.createDirectories(logs.resolve("one"));
        Path logsTwo = Files.createDirectories(logs.resolve("two"));
        // A long heartbeat: this test is about addresses, not about a loaded machine's silent sockets.
        try (HubProcess one = HubProcess.start(
                        tmp.resolve("one"),
                        logsOne,
                        "--db-url",
                        dbUrl,
                        "--db-user",
                        "postgres",
                        "--node-name",
                        "one",
                        "--heartbeat",
                        "15s");
                HubProcess two = secondNode(one, tmp.resolve("two"), logsTwo, dbUrl);
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            assertThat(two.fingerprint()).isEqualTo(one.fingerprint());
            HubApi api = one.api();
            api.createTenant("acme");
            String dead = "https://127.0.0.1:" + closedPort();

            OsProcess.Completed registered = agent.register(
                    dead + "," + one.url() + "," + two.url(), api.createRegistrationToken("acme"), one.fingerprint());
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            String agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                    .body()
                    .get(0)
                    .path("id")
                    .asText();

            // The agent starts at the address its id draws (HubRotation, seeded by the agent id); put the
            // dead one there, then node one, then node two, so the test knows the way it must take.
            int start = new SplittableRandom(agentId.hashCode()).nextInt(3);
            String[] order = new String[3];
            order[start] = dead;
            order[(start + 1) % 3] = one.url();
            order[(start + 2) % 3] = two.url();
            OsProcess.Completed set = agent.command("identity", "hubs", "--set", String.join(",", order));
            assertThat(set.exitCode()).as(set.output()).isZero();

            // Every backoff window is 5 minutes: the agent is connected within the 60 s that run waits
            // only because it tried the next address at once.
            agent.run(List.of("--backoff-base", "5m", "--backoff-cap", "5m"));
            assertThat(agent.process().output())
                    .contains("trying the hub's next address")
                    .contains("Connected to " + one.url() + " as " + agentId)
                    .doesNotContain("reconnecting after a delay");
            assertThat(connected(one.api(), agentId)).isTrue();
            assertThat(statusHub(agent)).isEqualTo(one.url());

            one.process().stop(); // SIGTERM: node one closes every socket with its restart notice
            Duration window = RestartNotice.forFleet(1).reconnectWindow();
            agent.process().awaitOutput("Connected to " + two.url() + " as " + agentId, window.plusSeconds(30));
            HubApi onTwo = two.api();
            await("node two sees the agent connected")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> connected(onTwo, agentId));
            assertThat(agent.process().output()).contains("reconnectWindowMs");
            await("the agent's status names node two")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> statusHub(agent).equals(two.url()));

            agent.process().stop();
            one.restart();
            agent.run(); // quick backoff again; it starts at the dead address and takes node one
            assertThat(agent.process().output()).contains("Connected to " + one.url() + " as " + agentId);

            // Node one retired from the list while the agent runs on it (identity hubs --set, another
            // process): the running agent moves to node two within seconds.
            hubs(agent, dead + "," + two.url());
            agent.process().awaitOutput("Connected to " + two.url() + " as " + agentId, Duration.ofSeconds(30));
            assertThat(agent.process().output()).contains("no longer include the one connected to");

            // A node killed outright (no notice): with node one listed again, the agent is on node one
            // again at once: the same address first (refused), then the next ones, no backoff between.
            hubs(agent, dead + "," + one.url() + "," + two.url());
            two.kill();
            await("the agent connects to node one a second time")
                    .atMost(Duration.ofSeconds(60))
                    .until(() ->
                            occurrences(agent.process().output(), "Connected to " + one.url() + " as " + agentId) == 2);
        }
    }

    private static int occurrences(String text, String of) {
        int n = 0;
        for (int at = text.indexOf(of); at >= 0; at = text.indexOf(of, at + of.length())) {
            n++;
        }
        return n;
    }

    /** {@code enginex-agent identity hubs --set urls}, as an administrator runs it beside the running agent. */
    private static void hubs(AgentProcess agent, String urls) {
        OsProcess.Completed set = agent.command("identity", "hubs", "--set", urls);
        assertThat(set.exitCode()).as(set.output()).isZero();
        assertThat(set.output()).contains("a running agent follows within seconds");
    }

    /** The "Hub:" line of enginex-agent status: the address connected to (before that, the list). */
    private static String statusHub(AgentProcess agent) {
        return agent.command("status")
                .output()
                .lines()
                .filter(line -> line.startsWith("Hub:"))
                .map(line -> line.substring("Hub:".length()).strip())
                .findFirst()
                .orElse("");
    }

    /**
     * Node two, given what every node shares with the first (ARCHITECTURE.md, "Several nodes"): the hub
     * secret, the platform key, and the certificate, so that the agent trusts one pin.
     */
    private static HubProcess secondNode(HubProcess first, Path dataDir, Path logs, String dbUrl) throws Exception {
        HubProcess.shareClusterFiles(first.dataDir(), dataDir);
        return HubProcess.start(
                dataDir, logs, "--db-url", dbUrl, "--db-user", "postgres", "--node-name", "two", "--heartbeat", "15s");
    }

    private static boolean connected(HubApi api, String agentId) {
        return expect(200, api.get("/api/v1/tenants/acme/agents/" + agentId))
                .body()
                .path("connected")
                .asBoolean();
    }

    private static int closedPort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void admin(String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(SERVER + "postgres", "postgres", "");
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }
}
