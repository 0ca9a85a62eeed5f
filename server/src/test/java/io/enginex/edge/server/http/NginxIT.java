package io.enginex.edge.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.enginex.edge.protocol.Dispatch;
import io.enginex.edge.protocol.Result;
import io.enginex.edge.server.config.TlsConfig;
import io.enginex.edge.server.config.TrustedProxies;
import io.enginex.edge.server.testing.AgentSocket;
import io.enginex.edge.server.testing.ApiClient;
import io.enginex.edge.server.testing.Balancer;
import io.enginex.edge.server.testing.DeployGuide;
import io.enginex.edge.server.testing.RecordingTrustManager;
import io.enginex.edge.server.testing.TestAgent;
import io.enginex.edge.server.testing.TestHub;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/DEPLOY.md's nginx configuration, read from the file, run by the real nginx (Debian's package)
 * in front of an in-JVM hub that serves TLS and trusts 127.0.0.1, nginx's address. Its upstream lists
 * the hub and a node that is down (a port nothing listens on), so every request also shows that nginx
 * passes over a dead node. nginx serves the hub's own certificate; clients connect from 127.0.0.2, so
 * the address the hub records tells whether nginx named the client.
 */
class NginxIT {
    private static final String CLIENT = "127.0.0.2";

    @TempDir
    static Path dir;

    private static TestHub hub;
    private static Balancer nginx;
    private static int port;

    @BeforeAll
    static void start() throws Exception {
        var config = TestHub.defaults(dir.resolve("hub"))
                .tls(TlsConfig.selfSigned())
                .trustedProxies(TrustedProxies.trusting(List.of("127.0.0.1")))
                .build();
        SSLContext any = SSLContext.getInstance("TLS");
        any.init(null, new TrustManager[] {new RecordingTrustManager()}, null);
        hub = TestHub.start(config, HttpClient.newBuilder().sslContext(any).build());
        port = Balancer.freePort();
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, nginxConfig(hub.hub().port(), Balancer.freePort()), StandardCharsets.UTF_8);
        Path binary = Balancer.binary("nginx", "nginx");
        nginx = Balancer.start(
                "nginx",
                List.of(binary.toString(), "-e", "stderr", "-p", dir.toString(), "-c", conf.toString()),
                dir.resolve("nginx.log"),
                NginxIT::listening);
    }

    @AfterAll
    static void stop() {
        if (nginx != null) {
            nginx.close();
        }
        if (hub != null) {
            hub.close();
        }
    }

    /**
     * The guide's upstream, map and server blocks with the test's addresses and files, inside the
     * http block nginx's main configuration would give them; the process stays in the foreground, as
     * one process, with its files under the test's directory.
     */
    private static String nginxConfig(int hubPort, int deadPort) {
        Path tls = dir.resolve("hub").resolve("tls");
        String cert = tls.resolve("hub-cert.pem").toString();
        String guide = DeployGuide.snippet("proxy_pass https://enginex_nodes")
                .withoutLinesContaining("server 10.0.1.")
                .replace(
                        "least_conn;\n",
                        "least_conn;\n"
                                + "    server 127.0.0.1:" + deadPort + " max_fails=2 fail_timeout=10s;\n"
                                + "    server 127.0.0.1:" + hubPort + " max_fails=2 fail_timeout=10s;\n")
                .replace("listen 443 ssl;", "listen 127.0.0.1:" + port + " ssl;")
                .replace("/etc/nginx/certs/hub.example.com.pem", cert)
                .replace(
                        "/etc/nginx/certs/hub.example.com.key",
                        tls.resolve("hub-key.pem").toString())
                .replace("/etc/nginx/enginex-nodes.pem", cert)
                // The name the node's self-signed certificate carries (besides its host name and address).
                .replace("hub.example.com", "localhost")
                .text();
        String temp;
        try {
            temp = Files.createDirectories(dir.resolve("temp")).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return """
                daemon off;
                master_process off;
                pid %1$s/nginx.pid;
                error_log stderr notice;
                events { worker_connections 256; }
                http {
                    access_log %1$s/access.log;
                    client_body_temp_path %2$s/body;
                    proxy_temp_path %2$s/proxy;
                    fastcgi_temp_path %2$s/fastcgi;
                    scgi_temp_path %2$s/scgi;
                    uwsgi_temp_path %2$s/uwsgi;
                %3$s}
                """.formatted(dir, temp, guide);
    }

    private static String url() {
        return "https://127.0.0.1:" + port;
    }

    private static boolean listening() {
        try (var socket = new Socket("127.0.0.1", port)) {
            return socket.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void readyzThroughNginxIsAnsweredByALiveNodeWhileAnotherIsDown() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> ready = Balancer.clientFrom(CLIENT, hub)
                    .send(
                            HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());

            assertThat(ready.statusCode()).as(nginx::output).isEqualTo(200);
        }
    }

    @Test
    void anAgentSocketAndALongPollGoThroughNginx() throws Exception {
        String tenant = hub.newTenant();
        TestAgent agent = hub.register(tenant);
        HttpClient client = Balancer.clientFrom(CLIENT, hub);
        ApiClient viaNginx = new ApiClient(url(), client, TestHub.MAPPER);
        String connections = "/api/v1/tenants/" + tenant + "/agents/" + agent.agentId() + "/connections";

        try (AgentSocket socket = AgentSocket.open(client, url(), hub.accessToken(agent))) {
            socket.hello("fs.list");
            JsonNode recorded = await().until(
                            () -> viaNginx.get(connections, hub.platformKey())
                                    .body()
                                    .path("connections"),
                            rows -> rows.size() == 1);
            assertThat(recorded.get(0).path("remoteAddress").asText())
                    .as("nginx named the client in X-Forwarded-For")
                    .isEqualTo(CLIENT);

            String session = viaNginx.post(
                            "/api/v1/tenants/" + tenant + "/sessions", hub.platformKey(), Map.of("name", "nginx"))
                    .get("id");
            var created = viaNginx.post(
                    "/api/v1/tenants/" + tenant + "/sessions/" + session + "/jobs",
                    hub.platformKey(),
                    Map.of("agentId", agent.agentId(), "tool", "fs.list"));
            assertThat(created.status()).as(created.text()).isEqualTo(201);
            String job = created.get("id");
            Dispatch dispatch = socket.expect(Dispatch.class);
            assertThat(dispatch.jobId()).isEqualTo(job);

            CompletableFuture<HttpResponse<String>> poll = client.sendAsync(
                    HttpRequest.newBuilder(
                                    URI.create(url() + "/api/v1/tenants/" + tenant + "/jobs/" + job + "?wait=30"))
                            .header("Authorization", "Bearer " + hub.platformKey())
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            await("the long poll waits on the hub")
                    .until(() -> hub.api().get("/metrics", null).text().contains("\nenginex_jobs_waiting 1.0"));
            socket.send(new Result(
                    socket.nextId(),
                    job,
                    TestHub.MAPPER.createObjectNode().put("entries", 0),
                    null,
                    Instant.now(),
                    Instant.now(),
                    false));

            HttpResponse<String> answered = poll.get(30, TimeUnit.SECONDS);
            assertThat(answered.statusCode()).as(answered.body()).isEqualTo(200);
            assertThat(TestHub.MAPPER.readTree(answered.body()).path("state").asText())
                    .isEqualTo("succeeded");
        }
    }
}
