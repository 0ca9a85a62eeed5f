package io.enginex.edge.server.dispatch;

import static io.enginex.edge.server.testing.ScratchPostgres.SERVER;
import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub on PostgreSQL (127.0.0.1:5432, user postgres, as CI starts it), in a database made for
 * this class and dropped afterwards: registration, dispatch, redelivery and tenant isolation.
 */
class PostgresDispatchIT {
    private static final String DATABASE =
            TestHub.randomId("hub_it").replace('-', '_').toLowerCase(Locale.ROOT);

    @TempDir
    static Path dir;

    static TestHub hub;

    @BeforeAll
    static void start() {
        admin("CREATE DATABASE " + DATABASE);
        hub = TestHub.start(
                dir, b -> b.database(DatabaseConfig.of(SERVER + DATABASE, "postgres", "")), Clock.systemUTC());
    }

    @AfterAll
    static void stop() {
        try {
            if (hub != null) {
                hub.close();
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + DATABASE);
        }
    }

    @Test
    void hubRunsOnPostgresql() {
        assertThat(hub.api().get("/healthz", null).get("database")).isEqualTo("postgresql");
    }

    @Test
    void jobRoundTripAndRedeliveryWorkOnPostgresql() {
        String tenant = hub.newTenant();
        String session = hub.newSession(tenant);
        TestAgent agent = hub.register(tenant);
        String jobId;
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 30)
                    .get("id")
                    .asText();
            socket.expect(Dispatch.class);
            socket.send(new Ack(socket.nextId(), jobId));
        }
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            Dispatch again = socket.expect(Dispatch.class);
            assertThat(again.attempt()).isEqualTo(2);
            socket.send(new Result(
                    socket.nextId(),
                    jobId,
                    TestHub.MAPPER.createObjectNode().put("entries", 3),
                    null,
                    Instant.now(),
                    Instant.now(),
                    true));
            JsonNode done = hub.api()
                    .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId + "?wait=10", hub.platformKey())
                    .body();

            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            assertThat(done.get("output").get("entries").asInt()).isEqualTo(3);
        }
        String otherKey = hub.tenantKey(hub.newTenant(), "admin");
        assertThat(hub.api()
                        .get("/api/v1/tenants/" + tenant + "/jobs/" + jobId, otherKey)
                        .status())
                .isEqualTo(404);
    }
}
