package io.enginex.edge.e2e;

import static io.enginex.edge.e2e.support.HubApi.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.e2e.support.AgentProcess;
import io.enginex.edge.e2e.support.HubApi;
import io.enginex.edge.e2e.support.HubProcess;
import io.enginex.edge.e2e.support.Json;
import io.enginex.edge.e2e.support.Jvm;
import io.enginex.edge.e2e.support.OsProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The spine as a user runs it: the hub and the agent as separate OS processes over TLS with a
 * pinned self-signed certificate; register with a one-time token; dispatch through the REST API;
 * read results back, and the session page in the browser's place.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpineE2EIT {
    private Path tmp;
    private HubProcess hub;
    private AgentProcess agent;
    private HubApi api;
    private String agentId;
    private Path root;
    /** Every secret this run created, so the last test can prove none reached a log. */
    private final List<String> secrets = new CopyOnWriteArrayList<>();

    @BeforeAll
    void startHubAndAgent(@TempDir Path tmp) throws IOException {
        this.tmp = tmp;
        Path logs = Jvm.freshLogs(getClass().getSimpleName());
        hub = HubProcess.start(tmp.resolve("hub"), logs);
        api = hub.api();
        assertThat(hub.url()).startsWith("https://127.0.0.1:");
        assertThat(hub.fingerprint()).matches("sha256:([0-9A-F]{2}:){31}[0-9A-F]{2}");

        assertThat(hub.cli(
                                "tenants",
                                "create",
                                "acme",
                                "--data-dir",
                                hub.dataDir().toString())
                        .exitCode())
                .isZero();
        String token = api.createRegistrationToken("acme");
        secrets.add(hub.adminKey());
        secrets.add(token);

        root = Files.createDirectories(tmp.resolve("files"));
        Files.writeString(root.resolve("q3.csv"), "region,revenue\nnorth,1200\nsouth,900\n");
        Files.writeString(tmp.resolve("secret.txt"), "outside the root");
        agent = AgentProcess.of(tmp.resolve("agent-state"), root, logs);

        OsProcess.Completed registered = agent.register(hub, token);
        assertThat(registered.exitCode()).as(registered.output()).isZero();
        agent.run();

        JsonNode agents = expect(200, api.get("/api/v1/tenants/acme/agents")).body();
        assertThat(agents).hasSize(1);
        agentId = agents.get(0).path("id").asText();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/tenants/acme/agents/" + agentId)
                        .body()
                        .path("connected")
                        .asBoolean());
    }

    @Test
    @Order(Integer.MAX_VALUE - 1)
    void ownerLogsInMakesAnApiKeyAndTheAuditTrailShowsItWithoutSecrets() {
        // A chosen password: one the hub generates is a one-time password, only good to choose a new one.
        String password = "violet harbour seven lanterns";
        expect(
                201,
                api.post(
                        "/api/v1/tenants/acme/users",
                        Map.of("email", "owner@acme.example", "role", "owner", "password", password)));
        secrets.add(password);
        HubApi.Response wrong = api.withKey(null)
                .post("/api/v1/login", Map.of("email", "owner@acme.example", "password", "a wrong password attempt"));
        secrets.add("a wrong password attempt");
        secrets.add(api.withKey(null).loginCookie("owner@acme.example", password));
        String key = expect(201, api.post("/api/v1/tenants/acme/api-keys", Map.of("role", "viewer")))
                .body()
                .path("key")
                .asText();
        secrets.add(key);
        secrets.add(expect(201, api.post("/api/v1/tenants/acme/registration-tokens", Map.of()))
                .body()
                .path("token")
                .asText());

        JsonNode audit = expect(200, api.get("/api/v1/tenants/acme/audit")).body();

        assertThat(wrong.status()).isEqualTo(401);
        assertThat(expect(200, api.withKey(key).get("/api/v1/tenants/acme")).status())
                .isEqualTo(200);
        assertThat(audit.path("events").findValuesAsText("type"))
                .contains("login.failed", "login.succeeded", "api-key.created", "agent.enrolled", "token.used");
        assertThat(audit.toString()).doesNotContain(password).doesNotContain(key);
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void noLogOfTheRunContainsASecretItCreated() throws IOException {
        secrets.add(Json.read(tmp.resolve("agent-state").resolve("identity.json"))
                .path("privateKey")
                .asText());
        assertThat(secrets)
                .hasSizeGreaterThanOrEqualTo(8)
                .allSatisfy(s -> assertThat(s).hasSizeGreaterThan(20));

        List<Path> logs;
        try (Stream<Path> files = Files.walk(Jvm.logs())) {
            logs = files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().contains("SpineE2EIT"))
                    .toList();
        }
        assertThat(logs).hasSizeGreaterThanOrEqualTo(4);
        for (Path log : logs) {
            String text = Files.readString(log);
            for (String secret : secrets) {
                assertThat(text).as("log %s", log).doesNotContain(secret);
            }
        }
    }

    @AfterAll
    void stop() {
        if (agent != null) {
            agent.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    @Test
    void dispatchedToolCallReturnsItsResultThroughTheApi() {
        String session = api.createSession("acme", "spine");
        JsonNode job = expect(201, api.dispatch("acme", session, agentId, "fs.list", Map.of("path", ".")))
                .body();

        JsonNode done = api.awaitJob("acme", job.path("id").asText());

        assertThat(done.path("state").asText()).isEqualTo("succeeded");
        assertThat(done.path("output").path("entries").findValuesAsText("name")).contains("q3.csv");
    }

    @Test
    void fileContentComesBackAndPathsOutsideTheRootAreRefused() {
        String session = api.createSession("acme", "files");
        String read = expect(201, api.dispatch("acme", session, agentId, "fs.read", Map.of("path", "q3.csv")))
                .body()
                .path("id")
                .asText();
        String escape = expect(201, api.dispatch("acme", session, agentId, "fs.read", Map.of("path", "../secret.txt")))
                .body()
                .path("id")
                .asText();

        JsonNode ok = api.awaitJob("acme", read);
        JsonNode refused = api.awaitJob("acme", escape);

        assertThat(ok.path("state").asText()).isEqualTo("succeeded");
        assertThat(ok.path("output").toString()).contains("north,1200");
        assertThat(refused.path("state").asText()).isEqualTo("failed");
        assertThat(refused.path("error").path("code").asText()).isEqualTo("path_outside_root");
        assertThat(refused.toString()).doesNotContain("outside the root\"");
    }

    @Test
    void aRegistrationTokenCannotBeUsedTwice() {
        Path logs = Jvm.freshLogs("SpineE2EIT-reuse");
        String token = api.createRegistrationToken("acme");
        secrets.add(token);
        AgentProcess first = AgentProcess.of(tmp.resolve("first"), root, logs);
        AgentProcess second = AgentProcess.of(tmp.resolve("second"), root, logs);

        assertThat(first.register(hub, token).exitCode()).isZero();
        OsProcess.Completed reused = second.register(hub, token);

        assertThat(reused.exitCode()).isNotZero();
        assertThat(reused.output()).contains("already used");
        assertThat(tmp.resolve("second").resolve("identity.json")).doesNotExist();
    }

    @Test
    void sessionPageShowsTheJobsAndResults() throws Exception {
        JsonNode created = expect(201, api.post("/api/v1/tenants/acme/sessions", Map.of("name", "page")))
                .body();
        String session = created.path("id").asText();
        String jobId = expect(201, api.dispatch("acme", session, agentId, "sys.info", Map.of()))
                .body()
                .path("id")
                .asText();
        assertThat(api.awaitJob("acme", jobId).path("state").asText()).isEqualTo("succeeded");

        HttpClient browser = HttpClient.newBuilder()
                .sslContext(io.enginex.edge.e2e.support.PinnedTrust.sslContext(hub.fingerprint()))
                .build();
        HttpResponse<String> page = browser.send(
                HttpRequest.newBuilder(URI.create(created.path("pageUrl").asText()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(jobId).contains("sys.info").contains("succeeded");
    }
}
