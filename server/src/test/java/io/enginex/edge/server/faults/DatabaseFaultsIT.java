package io.enginex.edge.server.faults;

import static io.enginex.edge.server.testing.ScratchPostgres.admin;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.ErrorCodes;
import io.enginex.edge.protocol.ErrorFrame;
import io.enginex.edge.protocol.Message;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.store.DatabaseConfig;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient.Response;
import io.enginex.edge.server.testing.CapturedLog;
import io.enginex.edge.server.testing.TcpProxy;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hub on PostgreSQL reached through a {@link TcpProxy} that can take the database away (down:
 * connections cut and refused, as in a restart) or freeze it (stall): clients get 503 with
 * Retry-After, never 500; /readyz follows the database while /livez and /healthz stay up; an agent's
 * socket survives, and the work it sent during the outage is finished when the database is back.
 */
class DatabaseFaultsIT {
    private static final String DATABASE =
            TestHub.randomId("faults_it").replace('-', '_').toLowerCase(Locale.ROOT);

    @TempDir
    static Path dir;

    static TcpProxy proxy;
    static TestHub hub;
    static String tenant;

    @BeforeAll
    static void start() {
        admin("CREATE DATABASE " + DATABASE);
        proxy = TcpProxy.to("127.0.0.1", 5432);
        hub = TestHub.start(
                dir,
                b -> b.database(DatabaseConfig.of(
                        "jdbc:postgresql://127.0.0.1:" + proxy.port() + "/" + DATABASE, "postgres", "")),
                Clock.systemUTC());
        tenant = hub.newTenant();
    }

    @AfterEach
    void heal() {
        proxy.forward();
        await().atMost(Duration.ofSeconds(30)).until(() -> ready().status() == 200);
    }

    @AfterAll
    static void stop() {
        try {
            if (hub != null) {
                hub.close();
            }
            if (proxy != null) {
                proxy.close();
            }
        } finally {
            admin("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        }
    }

    static Response ready() {
        return hub.api().get("/readyz", null);
    }

    @Test
    void aDatabaseThatIsDownIsA503WithRetryAfterAndNotReady() {
        assertThat(ready().status()).isEqualTo(200);

        proxy.down();

        Response create = hub.api().post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of());
        assertThat(create.status()).as(create.text()).isEqualTo(503);
        assertThat(create.code()).isEqualTo("database_unavailable");
        assertThat(create.headers().firstValue("Retry-After")).contains("5");
        Response read = hub.api().get("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey());
        assertThat(read.status()).as(read.text()).isEqualTo(503);
        Response notReady = ready();
        assertThat(notReady.status()).isEqualTo(503);
        assertThat(notReady.headers().firstValue("Retry-After")).isPresent();
        assertThat(hub.api().get("/livez", null).status()).isEqualTo(200);
        assertThat(hub.api().get("/healthz", null).status()).isEqualTo(200);

        proxy.forward();

        await().atMost(Duration.ofSeconds(30)).until(() -> ready().status() == 200);
        assertThat(hub.api()
                        .post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of())
                        .status())
                .isEqualTo(201);
    }

    @Test
    void aStalledDatabaseIsA503NotAHang() {
        proxy.stall();

        Response create = hub.api().post("/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of());
        assertThat(create.status()).as(create.text()).isEqualTo(503);
        assertThat(create.headers().firstValue("Retry-After")).isPresent();
        assertThat(ready().status()).isEqualTo(503);
    }

    @Test
    void anAgentSocketSurvivesAnOutageAndItsResultIsStoredAfterIt() {
        TestAgent agent = hub.register(tenant);
        String session = hub.newSession(tenant);
        try (AgentSocket socket = hub.connectReady(agent, "fs.list")) {
            String jobId = hub.dispatch(tenant, session, agent.agentId(), "fs.list", Map.of("path", "."), 120)
                    .path("id")
                    .asText();
            assertThat(socket.expect(Dispatch.class).jobId()).isEqualTo(jobId);

            proxy.down();
            socket.send(result(socket, jobId, false));
            Message answer = socket.next(Duration.ofSeconds(30));
            assertThat(answer)
                    .isInstanceOfSatisfying(
                            ErrorFrame.class, e -> assertThat(e.code()).isEqualTo(ErrorCodes.UNAVAILABLE));

            proxy.forward();

            Dispatch again = socket.expect(Dispatch.class); // resent when the database is back
            assertThat(again.jobId()).isEqualTo(jobId);
            socket.send(result(socket, jobId, true)); // the agent's journal answers it
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> "succeeded"
                            .equals(hub.job(tenant, jobId).path("state").asText()));
            assertThat(socket.isClosed()).isFalse();
        }
    }

    @Test
    void anAgentThatDisconnectsDuringAnOutageIsStillRecordedAsGone() {
        TestAgent agent = hub.register(tenant);
        try (CapturedLog log = CapturedLog.text()) {
            AgentSocket socket = hub.connectReady(agent, "fs.list");
            proxy.down();

            socket.close(); // the hub's last-seen write fails: the close must still be recorded

            await("the hub records the close although the database is down")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> log.linesWith("agent socket closed").stream()
                            .anyMatch(line -> line.contains(agent.agentId())));
            assertThat(hub.hub().connections().isConnected(tenant, agent.agentId()))
                    .isFalse();
        }
    }

    static Result result(AgentSocket socket, String jobId, boolean replayed) {
        return new Result(
                socket.nextId(),
                jobId,
                TestHub.MAPPER.createObjectNode().put("entries", 1),
                null,
                Instant.now(),
                Instant.now(),
                replayed);
    }
}
