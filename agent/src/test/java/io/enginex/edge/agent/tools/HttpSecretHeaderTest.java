package io.enginex.edge.agent.tools;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.enginex.edge.agent.network.NetworkGuard;
import io.enginex.edge.agent.network.PinnedHttpClient;
import io.enginex.edge.agent.policy.Policy;
import io.enginex.edge.agent.policy.PolicyFile;
import io.enginex.edge.agent.vault.KeyStores;
import io.enginex.edge.agent.vault.Vault;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code http.request} with a {@code secret:NAME} header against two allowed servers on loopback: the
 * value reaches the job's origin, comes back redacted even from a server that reflects it (also in a
 * binary body), and is not carried along a redirect to the other server.
 */
class HttpSecretHeaderTest {
    private static final String VALUE = "Bearer hdr-0a7e55c1";

    @TempDir
    Path state;

    private final ObjectMapper mapper = new ObjectMapper();
    private final List<String> seenByB = new CopyOnWriteArrayList<>();
    private HttpServer a;
    private HttpServer b;
    private HttpRequestTool tool;

    @BeforeEach
    void start() throws Exception {
        b = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        b.createContext("/", ex -> {
            seenByB.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        b.start();
        a = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        a.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/to-b")) {
                ex.getResponseHeaders()
                        .add("Location", "http://127.0.0.1:" + b.getAddress().getPort() + "/");
                ex.sendResponseHeaders(302, -1);
                ex.close();
                return;
            }
            String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("you sent: " + auth).getBytes(StandardCharsets.UTF_8);
            boolean binary = ex.getRequestURI().getPath().equals("/binary");
            ex.getResponseHeaders().add("Content-Type", binary ? "application/octet-stream" : "text/plain");
            ex.getResponseHeaders().add("X-Echo", auth);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        a.start();
        Policy policy = new PolicyFile(mapper, FileSystems.getDefault())
                .parse(
                        """
                {"tools":["http.request"],"network":["127.0.0.1:%d","127.0.0.1:%d"],
                 "secrets":{"http.request":["api-token"]}}""".formatted(a.getAddress().getPort(), b.getAddress().getPort())
                                .getBytes(StandardCharsets.UTF_8),
                        "machine policy test.json");
        tool = new HttpRequestTool(
                new NetworkGuard(policy.network(), InetAddress::getAllByName),
                new PinnedHttpClient(SSLContext.getDefault(), Duration.ofSeconds(5)),
                1 << 16,
                policy.secrets());
    }

    @AfterEach
    void stop() {
        a.stop(0);
        b.stop(0);
    }

    private JsonNode get(String path, JobSecrets secrets) throws Exception {
        JsonNode args = mapper.readTree("""
                {"url":"http://127.0.0.1:%d%s","headers":{"Authorization":"secret:api-token"}}""".formatted(a.getAddress().getPort(), path));
        ToolContext context = new ToolContext(
                "job_h",
                Instant.now().plusSeconds(10),
                Clock.systemUTC(),
                (m, f) -> {},
                () -> false,
                null,
                (id, at) -> {},
                secrets);
        // As the job runner does with every outcome.
        return secrets.redact(new ToolRegistry(List.of(tool)).call(HttpRequestTool.NAME, args, context));
    }

    private JobSecrets secrets() {
        Vault vault = new Vault(
                state, KeyStores.forThisMachine(state), Clock.systemUTC(), new SecureRandom(), mapper, n -> {});
        vault.set("api-token", VALUE, null, "file");
        return new JobSecrets("job_h", Optional.of(vault), (job, t, s, o) -> {});
    }

    @Test
    void theServerGetsTheValueAndTheResultShowsOnlyThePlaceholder() throws Exception {
        JsonNode text = get("/echo", secrets());
        assertThat(text.path("body").asText()).isEqualTo("you sent: [secret:api-token]");
        assertThat(text.path("headers").path("x-echo").asText()).isEqualTo("[secret:api-token]");

        JsonNode binary = get("/binary", secrets());
        assertThat(binary.path("encoding").asText()).isEqualTo("base64");
        assertThat(new String(Base64.getDecoder().decode(binary.path("body").asText()), StandardCharsets.UTF_8))
                .isEqualTo("you sent: [secret:api-token]");
        assertThat(text.toString() + binary).doesNotContain("hdr-0a7e55c1");
    }

    @Test
    void aRedirectToAnotherOriginDropsTheSecretHeader() throws Exception {
        JsonNode answer = get("/to-b", secrets());

        assertThat(answer.path("status").asInt()).isEqualTo(204);
        assertThat(seenByB).containsExactly("null");
    }
}
