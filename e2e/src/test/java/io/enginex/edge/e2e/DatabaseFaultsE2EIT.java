package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.IdempotentLoad;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import io.enginex.edge.e2e.support.PinnedTrust;
import io.enginex.edge.e2e.support.PrivatePostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once through faults, on real processes: a hub on a private PostgreSQL cluster and a real
 * agent; clients create jobs and retry each with its own Idempotency-Key while the hub is SIGKILLed,
 * PostgreSQL is restarted, and PostgreSQL is frozen (SIGSTOP). Each job appends one line to a file
 * of its own on the agent's machine; at the end every request has exactly one job and every file
 * exactly one line.
 */
class DatabaseFaultsE2EIT {
    private static final int CLIENTS = 3;
    private static final int REQUESTS_PER_CLIENT = 8;

    @TempDir
    Path tmp;

    @Test
    void everyAcceptedRequestRunsExactlyOnceThroughHubKillsDatabaseRestartsAndStalls() throws Exception {
        Optional<Path> bin = PrivatePostgres.binaries();
        Assumptions.assumeTrue(
                bin.isPresent(),
                "no PostgreSQL binaries (pg_config --bindir, /usr/lib/postgresql/*/bin): install postgresql to run"
                        + " this test");
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        Path root = Files.createDirectories(tmp.resolve("files"));
        Path policy = machinePolicy(root);
        try (PrivatePostgres pg = PrivatePostgres.start(bin.get());
                HubProcess hub = HubProcess.start(
                        tmp.resolve("hub"),
                        logs,
                        "--db-url",
                        pg.jdbcUrl(),
                        "--db-user",
                        "postgres",
                        "--heartbeat",
                        "2s");
                AgentProcess agent = AgentProcess.of(tmp.resolve("agent"), root, logs)) {
            HubApi api = hub.api();
            api.createTenant("acme");
            OsProcess.Completed registered = agent.register(hub, api.createRegistrationToken("acme"));
            assertThat(registered.exitCode()).as(registered.output()).isZero();
            agent.run(List.of("--machine-policy", policy.toString()));
            String agentId = expect(200, api.get("/api/v1/tenants/acme/agents"))
                    .body()
                    .get(0)
                    .path("id")
                    .asText();
            String session = api.createSession("acme", "faults");
            String jobs = "/api/v1/tenants/acme/sessions/" + session + "/jobs";
            HttpClient http = HttpClient.newBuilder()
                    .sslContext(PinnedTrust.sslContext(hub.fingerprint()))
                    .connectTimeout(Duration.ofSeconds(5))
                    .build();
            IdempotentLoad load = new IdempotentLoad(
                    http,
                    hub.url() + jobs,
                    hub.adminKey(),
                    Set.of(503),
                    Instant.now().plus(Duration.ofSeconds(100)));
            int requests = CLIENTS * REQUESTS_PER_CLIENT;

            List<Future<?>> clients = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < CLIENTS; c++) {
                    clients.add(pool.submit(() -> {
                        for (int i = 0; i < REQUESTS_PER_CLIENT; i++) {
                            load.create(agentId);
                        }
                        return null;
                    }));
                }

                // 1: the hub dies (SIGKILL) with requests in flight, and comes back on the same port.
                load.awaitAccepted(CLIENTS * 2, requests);
                hub.kill();
                hub.restart();

                // 2: PostgreSQL restarts under load.
                load.awaitAccepted(load.accepted() + CLIENTS * 2, requests);
                pg.restart();

                // 3: PostgreSQL freezes; the hub says it is not ready, then the database comes back.
                load.awaitAccepted(load.accepted() + CLIENTS * 2, requests);
                pg.freeze();
                try {
                    await("/readyz says the frozen database is unavailable")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> status(http, hub.url() + "/readyz") == 503);
                } finally {
                    pg.thaw();
                }
                await("/readyz ready again")
                        .atMost(Duration.ofSeconds(30))
                        .until(() -> status(http, hub.url() + "/readyz") == 200);

                for (Future<?> client : clients) {
                    client.get();
                }
            }

            Map<String, String> jobOfKey = load.jobOfKey();
            assertThat(jobOfKey).as("every request was accepted").hasSize(requests);
            assertThat(jobOfKey.values()).as("one job per key").doesNotHaveDuplicates();
            HubApi after = hub.api();
            // untilAsserted, so that a timeout names each job that did not finish and its state
            await("every accepted job finished")
                    .atMost(Duration.ofSeconds(60))
                    .untilAsserted(() -> assertThat(jobOfKey.values().stream()
                                    .collect(Collectors.toMap(
                                            id -> id,
                                            id -> expect(200, after.get("/api/v1/tenants/acme/jobs/" + id))
                                                    .body()
                                                    .path("state")
                                                    .asText())))
                            .allSatisfy((id, state) ->
                                    assertThat(state).as("state of job %s", id).isEqualTo("succeeded")));
            assertThat(expect(200, after.get("/api/v1/tenants/acme/sessions/" + session))
                            .body()
                            .path("jobs"))
                    .as("no job was created twice")
                    .hasSize(requests);
            for (String key : jobOfKey.keySet()) {
                assertThat(Files.readAllLines(root.resolve("effect-" + key + ".log")))
                        .as("the agent ran the job of request %s exactly once", key)
                        .containsExactly(key);
            }
            assertThat(load.retries()).as("the faults made clients retry").isPositive();
        }
    }

    private static int status(HttpClient http, String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(10))
                                    .GET()
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private Path machinePolicy(Path root) throws IOException {
        return AgentProcess.machinePolicy(tmp.resolve("policy"), """
                {"version":1,
                 "roots":[{"path":"%s","mode":"write"}],
                 "tools":["fs.write","fs.read"]}
                """.formatted(root.toRealPath()));
    }
}
