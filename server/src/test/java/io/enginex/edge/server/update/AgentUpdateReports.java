package io.enginex.edge.server.update;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.common.update.Rollout;
import io.enginex.edge.protocol.UpdateFailure;
import io.enginex.edge.protocol.UpdateReport;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What agents report about their updates, as the hub keeps and shows it (on each database, by the
 * subclasses): stored per agent with its ring, replaced by the next report, shown in the agent's API
 * view, and counted per ring of the channel's rollout over the tenant's own agents only, in the API and
 * on the fleet page with each failure's reason.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AgentUpdateReports {
    TestHub hub;

    /** Starts the hub on the subclass's database with {@code dataDir}. */
    abstract TestHub start(Path dataDir);

    void dropDatabase() {}

    @BeforeAll
    void publishThenStart(@TempDir Path dir) throws IOException {
        Path data = dir.resolve("hub");
        var repo = new UpdateRepository(UpdateRepository.dirOf(data), Clock.systemUTC());
        repo.init(dir.resolve("offline"), 3, 2, Expiries.DEFAULT);
        Path file = Files.writeString(dir.resolve("agent.tar.gz"), "agent");
        repo.publish("stable", "1.5.0", Map.of("linux-x64", file), 20, List.of(repo.onlineKeysDir()));
        repo.promote("stable", "1.5.0", List.of(repo.onlineKeysDir()));
        hub = start(data);
    }

    @AfterAll
    void stop() {
        try {
            if (hub != null) {
                hub.close();
            }
        } finally {
            dropDatabase();
        }
    }

    static UpdateReport report(AgentSocket socket, String version, String state, String target, UpdateFailure f) {
        return new UpdateReport(
                socket.nextId(), version, "stable", UpdateReport.MODE_SELF, state, target, null, Instant.now(), f);
    }

    JsonNode update(String tenant, String agentId) {
        return hub.api()
                .get("/api/v1/tenants/" + tenant + "/agents/" + agentId, hub.platformKey())
                .body()
                .path("update");
    }

    static UpdateFailure rolledBack(String why) {
        return new UpdateFailure("1.5.0", why, Instant.now().truncatedTo(ChronoUnit.MILLIS));
    }

    @Test
    void anAgentsReportIsStoredWithItsRingAndReplacedByItsNext() {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        UpdateFailure failure = rolledBack("no hello accepted within 300 s; rolled back to 1.4.0");
        try (AgentSocket socket = hub.connectReady(agent)) {
            assertThat(update(tenant, agent.agentId()).isMissingNode()).isTrue();

            socket.send(report(socket, "1.4.0", UpdateReport.ROLLED_BACK, null, failure));
            await().until(() ->
                    update(tenant, agent.agentId()).path("state").asText().equals("rolled-back"));
            JsonNode stored = update(tenant, agent.agentId());

            assertThat(stored.path("channel").asText()).isEqualTo("stable");
            assertThat(stored.path("ring").asInt()).isEqualTo(Rollout.bucket(agent.agentId()));
            assertThat(stored.path("mode").asText()).isEqualTo("self");
            assertThat(stored.path("version").asText()).isEqualTo("1.4.0");
            assertThat(stored.path("failure").path("version").asText()).isEqualTo("1.5.0");
            assertThat(stored.path("failure").path("reason").asText()).isEqualTo(failure.reason());
            assertThat(Instant.parse(stored.path("failure").path("at").asText()))
                    .isEqualTo(failure.at());

            socket.send(report(socket, "1.4.0", UpdateReport.REFUSED, "1.5.0", failure));
            await().until(() ->
                    update(tenant, agent.agentId()).path("state").asText().equals("refused"));
            assertThat(update(tenant, agent.agentId()).path("target").asText()).isEqualTo("1.5.0");
        }
    }

    @Test
    void eachFailureAndTheRolloutPerRingAreShownOverTheTenantsOwnAgentsOnly() {
        String tenant = hub.newTenant();
        String other = hub.newTenant();
        TestAgent failed = hub.register(tenant);
        TestAgent updated = hub.register(tenant);
        TestAgent elsewhere = hub.register(other);
        try (AgentSocket f = hub.connectReady(failed);
                AgentSocket u = hub.connectReady(updated);
                AgentSocket e = hub.connectReady(elsewhere)) {
            f.send(report(f, "1.4.0", UpdateReport.ROLLED_BACK, null, rolledBack("crash loop: started 4 times")));
            u.send(report(u, "1.5.0", UpdateReport.IDLE, null, null));
            e.send(report(e, "1.4.0", UpdateReport.ROLLED_BACK, null, rolledBack("other tenant's secret reason")));
            await().until(() -> !update(tenant, failed.agentId()).isMissingNode()
                    && !update(tenant, updated.agentId()).isMissingNode()
                    && !update(other, elsewhere.agentId()).isMissingNode());
        }

        JsonNode stable = hub.api()
                .get("/api/v1/tenants/" + tenant + "/releases", hub.tenantKey(tenant, "viewer"))
                .body()
                .path("channels")
                .get(0);
        assertThat(stable.path("version").asText()).isEqualTo("1.5.0");
        assertThat(stable.path("rings")).hasSize(2);
        assertThat(stable.path("rings").get(0).path("toBucket").asInt()).isEqualTo(20);
        int attempted = 0;
        int failures = 0;
        int done = 0;
        for (JsonNode ring : stable.path("rings")) {
            attempted += ring.path("attempted").asInt();
            failures += ring.path("failed").asInt();
            done += ring.path("updated").asInt();
        }
        assertThat(List.of(attempted, failures, done)).containsExactly(2, 1, 1);
        int ringOfFailed = Rollout.bucket(failed.agentId()) < 20 ? 0 : 1;
        assertThat(stable.path("rings").get(ringOfFailed).path("failed").asInt())
                .isEqualTo(1);

        String page = hub.signedIn(tenant, "viewer").get("/ui/fleet").body();
        assertThat(page)
                .contains("1.5.0 failed: crash loop: started 4 times")
                .contains("data-rollout=\"stable\"")
                .doesNotContain("other tenant&#39;s secret reason")
                .doesNotContain("other tenant's secret reason");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/releases", hub.tenantKey(other, "owner"))
                        .status())
                .isEqualTo(404);
    }
}
