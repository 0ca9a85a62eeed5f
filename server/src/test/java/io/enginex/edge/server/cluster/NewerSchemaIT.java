package io.enginex.edge.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestCluster;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade from this release's side: the first node of the next release migrates the shared
 * database (here Flyway with {@code db/next-release/V999__next_release.sql}, one of each kind of change
 * the rule in DEPLOY.md allows), and the nodes of this release, one already running and one started
 * afterwards, go on working on the newer schema: jobs through either node, the audit trail read and
 * verified. A running node is the harder case: PostgreSQL may refuse a statement it had prepared
 * before a table changed shape.
 */
class NewerSchemaIT {
    @TempDir
    Path dir;

    @Test
    void nodesOfThisReleaseKeepWorkingOnTheSchemaOfTheNextRelease() {
        try (TestCluster cluster = new TestCluster(dir)) {
            TestHub running = cluster.start("node-a");
            String tenant = running.newTenant();
            String session = running.newSession(tenant);
            TestAgent agent = running.register(tenant);
            try (AgentSocket socket = running.connectReady(agent, "fs.list")) {
                // More than pgjdbc's prepareThreshold (5), so the node's statements are server-prepared.
                for (int k = 0; k < 5; k++) {
                    runJobs(running, running, socket, tenant, session, agent, 8);
                    assertThat(listed(running, tenant)).isPositive();
                }

                var migrated = Flyway.configure()
                        .dataSource(cluster.database().jdbcUrl(), "postgres", "")
                        .locations("classpath:db/migration", "classpath:db/next-release")
                        .load()
                        .migrate();
                assertThat(migrated.migrationsExecuted).isEqualTo(1);

                runJobs(running, running, socket, tenant, session, agent, 8);
                assertThat(listed(running, tenant)).isPositive();

                TestHub restarted = cluster.start("node-b");
                runJobs(restarted, running, socket, tenant, session, agent, 3);
                assertThat(listed(restarted, tenant)).isPositive();
                JsonNode verified = restarted
                        .api()
                        .get("/api/v1/tenants/" + tenant + "/audit/verify", restarted.platformKey())
                        .body();
                assertThat(verified.get("verified").asBoolean())
                        .as("%s", verified)
                        .isTrue();
                assertThat(verified.get("events").asLong()).isGreaterThanOrEqualTo(19);
            }
        }
    }

    /** Creates {@code n} jobs through {@code through} for the agent on {@code socket} and answers them. */
    private static void runJobs(
            TestHub through,
            TestHub agentsNode,
            AgentSocket socket,
            String tenant,
            String session,
            TestAgent agent,
            int n) {
        for (int i = 0; i < n; i++) {
            String jobId = through.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 60)
                    .get("id")
                    .asText();
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(jobId);
            socket.send(new Result(
                    socket.nextId(),
                    jobId,
                    TestHub.MAPPER.createObjectNode().put("entries", i),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            JsonNode done = through.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=30", through.platformKey())
                    .body();
            assertThat(done.get("state").asText())
                    .as("%s via %s", done, agentsNode.url())
                    .isEqualTo("succeeded");
        }
    }

    /** How many audit events the node lists for the tenant (its reads of the trail work). */
    private static int listed(TestHub node, String tenant) {
        var r = node.api().get("/api/v1/tenants/" + tenant + "/audit?limit=500", node.platformKey());
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.body().get("events").size();
    }
}
