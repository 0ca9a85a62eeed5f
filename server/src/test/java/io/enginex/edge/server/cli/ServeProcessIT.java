package io.enginex.edge.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Ack;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.PinnedTrustManager;
import io.enginex.edge.protocol.Protocol;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.config.HubFile;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code engine serve} as an OS process with its defaults (HTTPS, self-signed certificate, embedded
 * database): first start, the client commands, SIGKILL with a job in flight, restart and redelivery,
 * then a clean stop.
 */
class ServeProcessIT {
    @TempDir
    Path dir;

    private Process child;

    @AfterEach
    void kill() {
        if (child != null) {
            child.destroyForcibly();
        }
    }

    private HubFile startHub(String name) throws Exception {
        String java = System.getProperty(
                "enginex.java", ProcessHandle.current().info().command().orElse("java"));
        child = new ProcessBuilder(
                        java,
                        "-cp",
                        System.getProperty("java.class.path"),
                        EngineCommand.class.getName(),
                        "serve",
                        "--data-dir",
                        dir.resolve("hub").toString(),
                        "--bind",
                        "127.0.0.1",
                        "--port",
                        "0",
                        "--node-name",
                        "proc-hub",
                        "--heartbeat",
                        "2s")
                .redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile())
                .start();
        long pid = child.pid();
        Path file = HubFile.in(dir.resolve("hub"));
        await().atMost(Duration.ofSeconds(180))
                .failFast(() -> !child.isAlive())
                .until(() -> hubFile(file).filter(h -> h.pid() == pid).isPresent());
        return hubFile(file).orElseThrow();
    }

    private static Optional<HubFile> hubFile(Path file) {
        try {
            return HubFile.read(file, TestHub.MAPPER);
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static HttpClient pinned(String fingerprint) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, new TrustManager[] {new PinnedTrustManager(fingerprint)}, null);
        return HttpClient.newBuilder().sslContext(context).build();
    }

    private String accessToken(ApiClient api, TestAgent agent) {
        var r = api.post("/api/v1/agent/token", null, Map.of("assertion", agent.assertion()));
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.get("accessToken");
    }

    @Test
    void hubSurvivesSigkillWithAJobInFlightAndRedeliversItAfterRestart() throws Exception {
        HubFile first = startHub("first");
        assertThat(first.tls()).isTrue();
        assertThat(first.url()).isEqualTo("https://127.0.0.1:" + first.port());
        // The hub file is written when the hub is up; its banner may reach stdout a moment later.
        await("the hub's banner on stdout")
                .atMost(Duration.ofSeconds(60))
                .untilAsserted(() -> assertThat(Files.readString(dir.resolve("first.out")))
                        .contains("Platform admin key written to "
                                + dir.resolve("hub").resolve("admin.key"))
                        .contains("--pin " + first.fingerprint())
                        .contains("node proc-hub"));

        String data = dir.resolve("hub").toString();
        var tenant = CommandRun.run("tenants", "create", "proc", "--data-dir", data);
        assertThat(tenant.exitCode()).as(tenant.err()).isZero();
        var token = CommandRun.run("tokens", "create", "--tenant", "proc", "--data-dir", data);
        assertThat(token.out()).contains("--server " + first.url()).contains("--pin " + first.fingerprint());
        String secret = token.out()
                .lines()
                .map(String::strip)
                .filter(l -> l.startsWith("exr_"))
                .findFirst()
                .orElseThrow();

        HttpClient http = pinned(first.fingerprint());
        String key = Files.readString(dir.resolve("hub").resolve("admin.key")).strip();
        ApiClient api = new ApiClient(first.url(), http, TestHub.MAPPER);
        var keys = TestAgent.newKeyPair();
        var registered = api.post(
                "/api/v1/agent/register",
                null,
                Map.of("token", secret, "publicKey", TestAgent.publicKeyBase64(keys), "hostname", "proc-host"));
        assertThat(registered.status()).as(registered.text()).isEqualTo(201);
        TestAgent agent = new TestAgent(registered.get("agentId"), "proc", keys);
        String session =
                api.post("/api/v1/tenants/proc/sessions", key, Map.of()).get("id");
        String jobs = "/api/v1/tenants/proc/sessions/" + session + "/jobs";

        String finished;
        String inFlight;
        try (AgentSocket socket = AgentSocket.open(http, first.url(), accessToken(api, agent))) {
            socket.hello("fs.list");
            finished = api.post(jobs, key, Map.of("agentId", agent.agentId(), "tool", "fs.list"))
                    .get("id");
            socket.expect(Dispatch.class);
            socket.send(new Result(
                    socket.nextId(),
                    finished,
                    TestHub.MAPPER.createObjectNode().put("n", 1),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));
            await().until(() -> api.get("/api/v1/tenants/proc/jobs/" + finished, key)
                    .get("state")
                    .equals("succeeded"));
            // Its deadline is far beyond the restart's, which on a busy machine took over a minute: the
            // test is of redelivery, not of a job that expired while the hub was down.
            inFlight = api.post(
                            jobs, key, Map.of("agentId", agent.agentId(), "tool", "fs.list", "timeoutSeconds", 3600))
                    .get("id");
            assertThat(socket.expect(Dispatch.class).jobId()).isEqualTo(inFlight);
            socket.send(new Ack(socket.nextId(), inFlight));
            await().until(() -> api.get("/api/v1/tenants/proc/jobs/" + inFlight, key)
                    .get("state")
                    .equals("running"));

            child.destroyForcibly().waitFor();
            assertThat(socket.awaitClose(Duration.ofSeconds(10))).isNotEqualTo(Protocol.CLOSE_GOING_AWAY);
        }

        HubFile second = startHub("second");
        assertThat(second.fingerprint()).isEqualTo(first.fingerprint());
        assertThat(Files.readString(dir.resolve("second.out"))).doesNotContain("Platform admin key written");
        ApiClient api2 = new ApiClient(second.url(), http, TestHub.MAPPER);
        try (AgentSocket socket = AgentSocket.open(http, second.url(), accessToken(api2, agent))) {
            socket.hello("fs.list");
            Dispatch again = socket.expect(Dispatch.class);
            assertThat(again.jobId()).isEqualTo(inFlight);
            assertThat(again.attempt()).isEqualTo(2);
            socket.send(new Result(
                    socket.nextId(),
                    inFlight,
                    TestHub.MAPPER.createObjectNode().put("n", 2),
                    null,
                    Instant.now(),
                    Instant.now(),
                    true));
            JsonNode done = api2.get("/api/v1/tenants/proc/jobs/" + inFlight + "?wait=10", key)
                    .body();
            assertThat(done.get("state").asText()).isEqualTo("succeeded");
            assertThat(done.get("replayed").asBoolean()).isTrue();
            assertThat(api2.get("/api/v1/tenants/proc/jobs/" + finished, key).get("state"))
                    .isEqualTo("succeeded");

            child.destroy();
            assertThat(socket.awaitClose(Duration.ofSeconds(10))).isEqualTo(Protocol.CLOSE_GOING_AWAY);
        }
        child.waitFor();
        assertThat(HubFile.in(dir.resolve("hub"))).doesNotExist();
    }
}
